"""/sandbox/v1/clock: move the sandbox's business clock (JWT iat stays on wall time)."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from simulator.api.json_io import json_response
from simulator.api.keys import ADMIN_KEY
from simulator.api.presenters import format_time
from simulator.api.sandbox_services import admin_body
from simulator.domain.admin_ranges import NUMBER_RANGES, moment_in_range
from simulator.domain.errors import BadRequestError
from simulator.gateway.key_admin import parse_time

__all__ = ["get_clock", "post_clock"]


async def get_clock(request: web.Request) -> web.Response:
    return json_response(_view(request))


async def post_clock(request: web.Request) -> web.Response:
    """Body: {"advance_seconds": N} or {"set": "<ISO time>"} or {"reset": true}."""
    body = await admin_body(request)
    clock = request.app[ADMIN_KEY].clock
    if body.get("reset") is True:
        await clock.reset()
    elif "advance_seconds" in body:
        seconds = body["advance_seconds"]
        if not isinstance(seconds, int | float) or isinstance(seconds, bool):
            raise BadRequestError("advance_seconds must be a number")
        low, high = NUMBER_RANGES["advance_seconds"]
        if not low <= seconds <= high:
            raise BadRequestError(f"advance_seconds must be from {low} to {high}")
        step = timedelta(seconds=seconds)
        moment_in_range("advance_seconds (the clock it leads to)", clock.now() + step)
        await clock.advance(step)
    elif "set" in body:
        moment = parse_time(body["set"], "set")  # inside the clock's range
        assert moment is not None
        await clock.set(moment)
    else:
        raise BadRequestError("Give one of advance_seconds, set or reset")
    return json_response(_view(request))


def _view(request: web.Request) -> dict[str, object]:
    clock = request.app[ADMIN_KEY].clock
    return {"now": format_time(clock.now()), "offset_seconds": clock.offset.total_seconds()}

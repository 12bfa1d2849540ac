"""GET /sandbox/v1/services/{service_id}/usage: today's counts against each limit."""

from __future__ import annotations

from aiohttp import web

from simulator.api.json_io import json_response
from simulator.api.keys import ADMIN_KEY

__all__ = ["get_usage"]


async def get_usage(request: web.Request) -> web.Response:
    report = request.app[ADMIN_KEY].usage
    return json_response(await report.today(request.match_info["service_id"]))

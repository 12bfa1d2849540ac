"""/sandbox/v1/faults: add, list and remove fault injection rules."""

from __future__ import annotations

from aiohttp import web

from simulator.api.json_io import json_response
from simulator.api.keys import ADMIN_KEY
from simulator.api.sandbox_services import admin_body
from simulator.domain.faults import parse_fault_rule

__all__ = ["clear_faults", "delete_fault", "get_faults", "post_fault"]


async def get_faults(request: web.Request) -> web.Response:
    book = request.app[ADMIN_KEY].faults
    return json_response({"faults": [rule.as_dict() for rule in book.rules.values()]})


async def post_fault(request: web.Request) -> web.Response:
    rule = parse_fault_rule(await admin_body(request))
    request.app[ADMIN_KEY].faults.add(rule)
    return json_response({"data": rule.as_dict()}, status=201)


async def delete_fault(request: web.Request) -> web.Response:
    if not request.app[ADMIN_KEY].faults.remove(request.match_info["fault_id"]):
        raise request.app[ADMIN_KEY].messages.no_result_error()
    return web.Response(status=204)


async def clear_faults(request: web.Request) -> web.Response:
    request.app[ADMIN_KEY].faults.clear()
    return web.Response(status=204)

"""Callback settings, callback history and inbound texts for a service (issue 7)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from simulator.api.json_io import json_response
from simulator.api.keys import ADMIN_KEY
from simulator.api.presenters import format_time, received_text_body
from simulator.api.sandbox_services import admin_body
from simulator.domain.callback_health import SUSPENDED_AT, is_suspended
from simulator.domain.callbacks import CALLBACK_KINDS
from simulator.domain.errors import BadRequestError

__all__ = [
    "delete_callback",
    "get_callback_health",
    "get_callbacks",
    "notification_callbacks",
    "post_health_check",
    "post_inbound_sms",
    "post_suspend_callback",
    "put_callback",
]


def _kind(request: web.Request) -> str:
    kind = request.match_info["kind"].replace("-", "_")
    if kind not in CALLBACK_KINDS:
        raise request.app[ADMIN_KEY].messages.no_result_error()
    return kind


def _masked(settings: dict[str, str], *, suspendable: bool = False) -> dict[str, Any]:
    token = settings["bearer_token"]
    shown: dict[str, Any] = {
        "url": settings["url"],
        "bearer_token": f"{token[:2]}{'*' * (len(token) - 2)}",
    }
    if suspendable:  # GC's ServiceCallbackApi.serialize shows both
        shown["is_suspended"] = is_suspended(settings)
        shown["suspended_at"] = settings.get(SUSPENDED_AT)
    return shown


def _suspendable(request: web.Request, kind: str) -> bool:
    rules = request.app[ADMIN_KEY].callback_health.rules
    return rules is not None and kind in rules.kinds


async def get_callbacks(request: web.Request) -> web.Response:
    gateway = request.app[ADMIN_KEY]
    service = await gateway.service_admin.service(request.match_info["service_id"])
    return json_response(
        {
            kind: _masked(v, suspendable=_suspendable(request, kind))
            for kind, v in service.callbacks.items()
        }
    )


async def put_callback(request: web.Request) -> web.Response:
    gateway = request.app[ADMIN_KEY]
    kind = _kind(request)
    body = await admin_body(request)
    service = await gateway.service_callbacks.set(
        request.match_info["service_id"], kind, body.get("url"), body.get("bearer_token")
    )
    suspendable = _suspendable(request, kind)
    return json_response({kind: _masked(service.callbacks[kind], suspendable=suspendable)})


async def post_suspend_callback(request: web.Request) -> web.Response:
    """GC's suspend-callback admin route: ``{"suspend_unsuspend": true|false}``."""
    gateway = request.app[ADMIN_KEY]
    kind = _kind(request)
    if not _suspendable(request, kind):
        raise gateway.messages.no_result_error()
    body = await admin_body(request)
    suspend = body.get("suspend_unsuspend")
    if not isinstance(suspend, bool):
        raise BadRequestError("suspend_unsuspend must be true or false")
    service_id = request.match_info["service_id"]
    await gateway.service_admin.service(service_id)
    updated = await gateway.callback_health.set_suspended(service_id, kind, suspend)
    if updated is None:
        raise gateway.messages.no_result_error()
    return json_response({kind: _masked(updated.callbacks[kind], suspendable=True)})


async def post_health_check(request: web.Request) -> web.Response:
    """Send GC's health-check ping now and say how it went (GC's response-time test)."""
    gateway = request.app[ADMIN_KEY]
    result = await gateway.service_callbacks.check_health(
        request.match_info["service_id"], _kind(request)
    )
    if result is None:
        raise gateway.messages.no_result_error()
    return json_response({"health_check": result})


async def get_callback_health(request: web.Request) -> web.Response:
    """Suspension, recent failures and the last health check of one callback."""
    gateway = request.app[ADMIN_KEY]
    kind = _kind(request)
    service = await gateway.service_admin.service(request.match_info["service_id"])
    if kind not in service.callbacks:
        raise gateway.messages.no_result_error()
    return json_response(gateway.callback_health.view(service, kind))


async def delete_callback(request: web.Request) -> web.Response:
    await request.app[ADMIN_KEY].service_callbacks.remove(
        request.match_info["service_id"], _kind(request)
    )
    return web.Response(status=204)


async def post_inbound_sms(request: web.Request) -> web.Response:
    """Inject a text as if a phone had sent it to the service."""
    body = await admin_body(request)
    text = await request.app[ADMIN_KEY].service_callbacks.inject_text(
        request.match_info["service_id"],
        body.get("user_number"),
        body.get("content"),
        body.get("notify_number"),
    )
    return json_response({"data": received_text_body(text)}, status=201)


async def notification_callbacks(request: web.Request) -> web.Response:
    found = await request.app[ADMIN_KEY].service_callbacks.sent_for(
        request.match_info["notification_id"]
    )
    for item in found:
        item["created_at"] = format_time(item["created_at"])
        item["updated_at"] = format_time(item["updated_at"])
    return json_response({"callbacks": found})

"""/sandbox/v1/services/{service_id}/api-keys: the life of an API key."""

from __future__ import annotations

from aiohttp import web

from simulator.api.admin_views import key_view
from simulator.api.json_io import json_response
from simulator.api.keys import ADMIN_KEY, AdminGateway
from simulator.api.presenters import format_time
from simulator.api.sandbox_services import admin_body
from simulator.domain.admin_ranges import whole_number
from simulator.domain.models import ApiKey

__all__ = [
    "create_key",
    "delete_key",
    "edit_key",
    "get_key",
    "key_activity",
    "list_keys",
    "revoke_key",
    "rotate_key",
]


def _view(
    gateway: AdminGateway, key: ApiKey, sends: dict[str, int] | None = None
) -> dict[str, object]:
    return key_view(
        key,
        gateway.clock.now(),
        last_used_at=gateway.key_usage.last_used(key.id),
        extra_requests=gateway.key_usage.unflushed_requests(key.id),
        sends=sends,
    )


async def list_keys(request: web.Request) -> web.Response:
    gateway = request.app[ADMIN_KEY]
    keys = await gateway.key_manager.keys(request.match_info["service_id"])
    return json_response({"api_keys": [_view(gateway, k) for k in keys]})


async def create_key(request: web.Request) -> web.Response:
    gateway = request.app[ADMIN_KEY]
    created = await gateway.key_manager.create(
        request.match_info["service_id"], await admin_body(request)
    )
    view = _view(gateway, created.key)
    view["key"] = created.full_key  # the only time the secret is ever shown
    return json_response({"data": view}, status=201)


async def get_key(request: web.Request) -> web.Response:
    gateway = request.app[ADMIN_KEY]
    key = await gateway.key_manager.key(
        request.match_info["service_id"], request.match_info["key_id"]
    )
    sends = await gateway.key_manager.sends(key)
    return json_response({"data": _view(gateway, key, sends)})


async def edit_key(request: web.Request) -> web.Response:
    gateway = request.app[ADMIN_KEY]
    key = await gateway.key_manager.edit(
        request.match_info["service_id"], request.match_info["key_id"], await admin_body(request)
    )
    return json_response({"data": _view(gateway, key)})


async def revoke_key(request: web.Request) -> web.Response:
    gateway = request.app[ADMIN_KEY]
    key = await gateway.key_manager.revoke(
        request.match_info["service_id"], request.match_info["key_id"]
    )
    return json_response({"data": _view(gateway, key)})


async def delete_key(request: web.Request) -> web.Response:
    gateway = request.app[ADMIN_KEY]
    await gateway.key_manager.delete(request.match_info["service_id"], request.match_info["key_id"])
    return web.Response(status=204)


async def rotate_key(request: web.Request) -> web.Response:
    gateway = request.app[ADMIN_KEY]
    body = await admin_body(request)
    grace = whole_number("grace_seconds", body.get("grace_seconds", 0))
    created = await gateway.key_manager.rotate(
        request.match_info["service_id"], request.match_info["key_id"], grace
    )
    view = _view(gateway, created.key)
    view["key"] = created.full_key
    return json_response({"data": view, "replaces": request.match_info["key_id"]}, status=201)


async def key_activity(request: web.Request) -> web.Response:
    gateway = request.app[ADMIN_KEY]
    key = await gateway.key_manager.key(
        request.match_info["service_id"], request.match_info["key_id"]
    )
    events = await gateway.key_manager.activity(key)
    sends = await gateway.key_manager.sends(key)
    view = _view(gateway, key, sends)
    return json_response(
        {
            "usage": {
                "request_count": view["request_count"],
                "last_used_at": view["last_used_at"],
                "sends": view["sends"],
            },
            "activity": [
                {"event": e["event"], "detail": e["detail"], "at": format_time(e["at"])}
                for e in events
            ],
        }
    )

"""Callback settings, callback history and inbound texts for a service (issue 7)."""

from __future__ import annotations

import uuid
from dataclasses import replace

from aiohttp import web

from simulator.api.admin_auth import require_admin
from simulator.api.json_io import json_response
from simulator.api.keys import CONFIG_KEY, GATEWAY_KEY
from simulator.api.presenters import format_time, received_text_body
from simulator.api.sandbox_services import admin_body
from simulator.domain.callbacks import CALLBACK_KINDS, check_callback_settings
from simulator.domain.errors import BadRequestError, NotifyError
from simulator.domain.models import ReceivedText, Service
from simulator.domain.recipients import normalise_phone_for_matching

__all__ = [
    "delete_callback",
    "get_callbacks",
    "notification_callbacks",
    "post_inbound_sms",
    "put_callback",
]


def _kind(request: web.Request) -> str:
    kind = request.match_info["kind"].replace("-", "_")
    if kind not in CALLBACK_KINDS:
        raise NotifyError("No result found", status_code=404, error="NoResultFound")
    return kind


def _masked(settings: dict[str, str]) -> dict[str, str]:
    token = settings["bearer_token"]
    return {"url": settings["url"], "bearer_token": f"{token[:2]}{'*' * (len(token) - 2)}"}


async def get_callbacks(request: web.Request) -> web.Response:
    require_admin(request)
    gateway = request.app[GATEWAY_KEY]
    service = await gateway.service_admin.service(request.match_info["service_id"])
    return json_response({kind: _masked(v) for kind, v in service.callbacks.items()})


async def put_callback(request: web.Request) -> web.Response:
    require_admin(request)
    gateway = request.app[GATEWAY_KEY]
    kind = _kind(request)
    body = await admin_body(request)
    settings = check_callback_settings(
        body.get("url"),
        body.get("bearer_token"),
        allow_http=request.app[CONFIG_KEY].callbacks_allow_http,
        guard=gateway.callback_sender.guard,
    )
    service = await gateway.service_admin.service(request.match_info["service_id"])
    callbacks = {
        **service.callbacks,
        kind: {"url": settings.url, "bearer_token": settings.bearer_token},
    }
    await gateway.store.save_service(replace(service, callbacks=callbacks))
    gateway.directory.invalidate(service.id)
    return json_response({kind: _masked(callbacks[kind])})


async def delete_callback(request: web.Request) -> web.Response:
    require_admin(request)
    gateway = request.app[GATEWAY_KEY]
    kind = _kind(request)
    service = await gateway.service_admin.service(request.match_info["service_id"])
    callbacks = {k: v for k, v in service.callbacks.items() if k != kind}
    await gateway.store.save_service(replace(service, callbacks=callbacks))
    gateway.directory.invalidate(service.id)
    return web.Response(status=204)


async def post_inbound_sms(request: web.Request) -> web.Response:
    """Inject a text as if a phone had sent it to the service."""
    require_admin(request)
    gateway = request.app[GATEWAY_KEY]
    service = await gateway.service_admin.service(request.match_info["service_id"])
    body = await admin_body(request)
    user_number = body.get("user_number")
    content = body.get("content")
    if not isinstance(user_number, str) or normalise_phone_for_matching(user_number) is None:
        raise BadRequestError("user_number is not a valid phone number")
    if not isinstance(content, str) or not content:
        raise BadRequestError("content is a required property")
    notify_number = body.get("notify_number") or _inbound_number(service)
    text = ReceivedText(
        id=str(uuid.uuid4()),
        service_id=service.id,
        user_number=normalise_phone_for_matching(user_number) or user_number,
        notify_number=str(notify_number),
        content=content,
        created_at=gateway.clock.unique_now(),
    )
    callback = await gateway.callbacks.for_inbound(text)
    await gateway.store.add_received_text(text, callback=callback)
    if callback is not None:
        gateway.callback_sender.notify_due()
    gateway.events.publish()
    return json_response({"data": received_text_body(text)}, status=201)


def _inbound_number(service: Service) -> str:
    """Texts arrive at a number: the first sender that is one, else the default sender."""
    numbers = [s.sender for s in service.sms_senders if s.sender.lstrip("+").isdigit()]
    if numbers:
        return numbers[0]
    default = service.default_sms_sender()
    return default.sender if default else ""


async def notification_callbacks(request: web.Request) -> web.Response:
    require_admin(request)
    found = await request.app[GATEWAY_KEY].callback_store.for_subject(
        request.match_info["notification_id"]
    )
    for item in found:
        item["created_at"] = format_time(item["created_at"])
        item["updated_at"] = format_time(item["updated_at"])
    return json_response({"callbacks": found})

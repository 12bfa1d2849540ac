"""/v2/notifications: send, get one, list (contract 3.1, 3.2, 3.5, 3.6)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from simulator.api.body_io import read_body
from simulator.api.json_io import is_json_type, is_not_json, json_response, parse_json_body
from simulator.api.keys import GATEWAY_KEY
from simulator.api.presenters import notification_body, post_email_body, post_sms_body
from simulator.api.request_log import note
from simulator.api.v2_auth import authenticate, remember_rate, url_root, v2_query, v2_query_pairs
from simulator.api.v2_bulk import job_body
from simulator.api.v2_letters import post_letter
from simulator.domain.errors import BadRequestError, RouteError, ValidationError
from simulator.domain.masking import mask_recipient
from simulator.domain.models import NotificationType
from simulator.domain.profiles import Profile

__all__ = ["get_notification", "get_notifications", "post_notification", "read_v2_body"]

_SENDABLE = {"sms": NotificationType.SMS, "email": NotificationType.EMAIL}


async def post_notification(request: web.Request) -> web.Response:
    gateway = request.app[GATEWAY_KEY]
    profile = gateway.profile
    principal = await authenticate(request, "send")
    type_name = request.match_info["notification_id"]
    if type_name == "bulk" and gateway.bulk is not None:  # GC only (contract 3.9)
        job = await gateway.bulk.submit(principal, await read_v2_body(request, profile))
        assert profile.bulk is not None
        body = job_body(
            job,
            key_name=principal.key.name,
            service_name=principal.service.name,
            rules=profile.bulk,
        )
        return json_response({"data": body}, status=201)
    admission = None
    if profile.admit_before_body:  # GOV.UK: rate and allowance before the body is read
        admission = await gateway.sender.admit(principal, type_name)
        remember_rate(request, admission.rate)
    try:
        if type_name == "letter" and gateway.letters is not None:
            body = await read_v2_body(request, profile)
            return await post_letter(request, principal, body)
        if profile.admit_before_body:
            notification_type = _sendable(type_name, profile)
            body = await read_v2_body(request, profile)
        else:  # GC reads the body before it looks at the type
            body = await read_v2_body(request, profile)
            notification_type = _sendable(type_name, profile)
    except BaseException:
        if admission is not None:
            await gateway.sender.release(admission)
        raise
    outcome = await gateway.sender.send(principal, notification_type, body, admission)
    note(notification_id=outcome.notification.id, recipient=mask_recipient(outcome.notification.to))
    remember_rate(request, outcome.rate)
    root = url_root(request)
    scheduled = outcome.scheduled_for
    if notification_type is NotificationType.SMS:
        payload = post_sms_body(
            outcome.notification, root, profile=profile, scheduled_for=scheduled
        )
    else:
        payload = post_email_body(
            outcome.notification,
            root,
            outcome.from_email or "",
            outcome.sanitised,
            profile=profile,
            scheduled_for=scheduled,
        )
    return json_response(payload, status=201)


def _sendable(type_name: str, profile: Profile) -> NotificationType:
    notification_type = _SENDABLE.get(type_name)
    if notification_type is None:
        if type_name == "letter":
            raise BadRequestError(profile.messages.service_not_allowed.format(plural="letters"))
        # real Notify answers 500 here; the sandbox answers the route-level 404
        raise RouteError(404, profile.messages.route_not_found)
    return notification_type


async def read_v2_body(request: web.Request, profile: Profile) -> Any:
    """A v2 JSON body, refused with the profile's texts when it is not JSON."""
    # GC's Flask get_json() insists on a JSON Content-Type; GOV.UK's ignores it
    if profile.json_content_type_required and not is_json_type(request.content_type):
        raise BadRequestError(profile.messages.unsupported_media_type, 415)
    body = parse_json_body(await read_body(request))
    if is_not_json(body):
        raise BadRequestError(profile.messages.invalid_json)
    if isinstance(body, dict):  # for the request line, should the send be refused
        recipient = body.get("phone_number") or body.get("email_address")
        if isinstance(recipient, str):
            note(recipient=mask_recipient(recipient))
    return body


async def get_notification(request: web.Request) -> web.Response:
    gateway = request.app[GATEWAY_KEY]
    principal = await authenticate(request)
    notification_id = request.match_info["notification_id"]
    if not _is_uuid(notification_id):
        raise ValidationError(["notification_id is not a valid UUID"])
    notification = await gateway.reads.notification(principal, notification_id)
    profile = gateway.profile
    return json_response(
        notification_body(
            notification, url_root(request), sms_rate=profile.sms_rate, profile=profile
        )
    )


async def get_notifications(request: web.Request) -> web.Response:
    gateway = request.app[GATEWAY_KEY]
    principal = await authenticate(request)
    query = v2_query(request)
    errors = gateway.schemas.validate_get_notifications(query)
    if errors:
        raise ValidationError([e.message for e in errors])
    found = await gateway.reads.notifications(
        principal,
        template_types=query.get("template_type", []),
        statuses=query.get("status", []),
        reference=_single(query, "reference"),
        older_than=_single(query, "older_than"),
        include_jobs=_single(query, "include_jobs") in ("true", "True"),
    )
    root = url_root(request)
    base = f"{root}v2/notifications"
    pairs = v2_query_pairs(request)
    links = {"current": _with_query(base, pairs)}
    if found:
        links["next"] = _with_query(base, _replace_older_than(pairs, found[-1].id))
    profile = gateway.profile
    rate = profile.sms_rate
    return json_response(
        {
            "notifications": [
                notification_body(n, root, sms_rate=rate, profile=profile) for n in found
            ],
            "links": links,
        }
    )


def _single(query: dict[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[0] if values else None


def _with_query(base: str, pairs: list[tuple[str, str]]) -> str:
    return f"{base}?{urlencode(pairs)}" if pairs else base


def _replace_older_than(pairs: list[tuple[str, str]], last_id: str) -> list[tuple[str, str]]:
    if any(key == "older_than" for key, _ in pairs):
        return [(key, last_id if key == "older_than" else value) for key, value in pairs]
    return [*pairs, ("older_than", last_id)]


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True

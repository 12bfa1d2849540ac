"""GET /sandbox/v1/messages: what the providers were handed, newest first."""

from __future__ import annotations

from aiohttp import web

from simulator.api.admin_auth import require_admin
from simulator.api.json_io import json_response
from simulator.api.keys import GATEWAY_KEY
from simulator.api.presenters import format_time
from simulator.domain.errors import BadRequestError
from simulator.domain.ports import MessageQuery, MessageRecord

__all__ = ["get_messages"]

_MAX_LIMIT = 1000


async def get_messages(request: web.Request) -> web.Response:
    require_admin(request)
    query = _query(request)
    found = await request.app[GATEWAY_KEY].store.list_messages(query)
    return json_response({"messages": [_message_body(m) for m in found]})


def _query(request: web.Request) -> MessageQuery:
    params = request.query
    channel = params.get("type")
    if channel is not None and channel not in {"sms", "email"}:
        raise BadRequestError(f"type {channel} is not one of [sms, email]")
    raw_limit = params.get("limit", "100")
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= _MAX_LIMIT:
        raise BadRequestError(f"limit must be a whole number from 1 to {_MAX_LIMIT}")
    return MessageQuery(
        service_id=params.get("service_id"),
        recipient=params.get("recipient"),
        reference=params.get("reference"),
        channel=channel,
        limit=int(raw_limit),
    )


def _message_body(m: MessageRecord) -> dict[str, object]:
    return {
        "notification_id": m.notification_id,
        "service_id": m.service_id,
        "key_type": m.key_type.value,
        "type": m.channel.value,
        "provider": m.provider,
        "recipient": m.recipient,
        "sender": m.sender,
        "reply_to": m.reply_to,
        "subject": m.subject,
        "body": m.body,
        "html": m.html,
        "fragment_count": m.fragment_count,
        "reference": m.reference,
        "template_id": m.template_id,
        "one_click_unsubscribe_url": m.unsubscribe_url,
        "created_at": format_time(m.created_at),
    }

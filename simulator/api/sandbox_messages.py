"""/sandbox/v1/messages: the inspection API (issues 3 and 7).

Every notification, newest first, with what was rendered and handed to a
provider; filters; `wait=N` long-polling; one message with its email HTML;
scoped deletion so tests sharing a sandbox reset only their own data.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from simulator.api.json_io import json_response
from simulator.api.keys import ADMIN_KEY
from simulator.api.presenters import format_time
from simulator.api.sandbox_files import file_views
from simulator.domain.errors import BadRequestError
from simulator.domain.models import NotificationType
from simulator.domain.ports import InspectionQuery, InspectionRow
from simulator.domain.recipients import normalise_email_for_matching, normalise_phone_for_matching
from simulator.gateway.key_admin import parse_time

__all__ = ["delete_messages", "get_message", "get_messages"]

_MAX_LIMIT = 1000
_MAX_WAIT = 60.0
_CHOICES = {
    "type": {"sms", "email", "letter"},
    "key_type": {"test", "team", "normal"},
}


async def get_messages(request: web.Request) -> web.Response:
    gateway = request.app[ADMIN_KEY]
    found = await gateway.message_log.find_waiting(_query(request), _wait_seconds(request))
    return json_response({"messages": [_view(row, None) for row in found]})


async def get_message(request: web.Request) -> web.Response:
    gateway = request.app[ADMIN_KEY]
    row = await gateway.message_log.one(request.match_info["notification_id"])
    if row is None:
        raise gateway.messages.no_result_error()
    view = _view(row, await gateway.message_log.email_html(row))
    view["files"] = await file_views(gateway.documents, row.notification.id)
    return json_response({"data": view})


async def delete_messages(request: web.Request) -> web.Response:
    gateway = request.app[ADMIN_KEY]
    query = _query(request, for_delete=True)
    deleted = await gateway.message_log.delete(query)
    body: dict[str, int] = {"deleted": deleted}
    if set(request.query) <= {"service_id"}:
        # a whole-service (or whole-sandbox) reset clears its received texts as well
        body["received_texts_deleted"] = await gateway.message_log.delete_received_texts(
            query.service_id
        )
        if gateway.reports is not None:  # GC's reports of what was sent go too
            body["reports_deleted"] = await gateway.reports.delete(query.service_id)
    return json_response(body)


def _query(request: web.Request, *, for_delete: bool = False) -> InspectionQuery:
    params = request.query
    for name, allowed in _CHOICES.items():
        value = params.get(name)
        if value is not None and value not in allowed:
            raise BadRequestError(f"{name} {value} is not one of [{', '.join(sorted(allowed))}]")
    raw_limit = params.get("limit", str(_MAX_LIMIT if for_delete else 100))
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= (10**9 if for_delete else _MAX_LIMIT):
        raise BadRequestError(f"limit must be a whole number from 1 to {_MAX_LIMIT}")
    return InspectionQuery(
        service_id=params.get("service_id"),
        key_type=params.get("key_type"),
        recipient=params.get("recipient"),
        normalised_recipient=_normalised(params.get("recipient")),
        reference=params.get("reference"),
        status=params.get("status"),
        template_id=params.get("template_id"),
        channel=params.get("type"),
        since=parse_time(params.get("since"), "since"),
        limit=10**9 if for_delete else int(raw_limit),
    )


def _normalised(recipient: str | None) -> str | None:
    """Match however the number or address was written: `07700 900123` == `+447700900123`."""
    if recipient is None:
        return None
    if "@" in recipient:
        return normalise_email_for_matching(recipient)
    return normalise_phone_for_matching(recipient)


def _wait_seconds(request: web.Request) -> float:
    raw = request.query.get("wait")
    if raw is None:
        return 0.0
    try:
        wait = float(raw)
    except ValueError as error:
        raise BadRequestError("wait must be a number of seconds") from error
    if not 0 <= wait <= _MAX_WAIT:
        raise BadRequestError(f"wait must be from 0 to {int(_MAX_WAIT)} seconds")
    return wait


def _view(row: InspectionRow, html: str | None) -> dict[str, Any]:
    n = row.notification
    view: dict[str, Any] = {
        "notification_id": n.id,
        "service_id": n.service_id,
        "key_type": n.key_type.value,
        "type": n.type.value,
        "status": n.status.value,
        "recipient": n.to,
        "reference": n.reference,
        "template_id": n.template_id,
        "template_version": n.template_version,
        "subject": n.subject,
        "body": n.body,
        "text": row.plain_text or n.body,
        "provider": row.provider,
        "sender": row.sender or n.sender,
        "reply_to": n.reply_to,
        "one_click_unsubscribe_url": n.unsubscribe_url,
        "fragment_count": row.fragment_count
        if row.fragment_count is not None
        else (n.billable_units if n.type is NotificationType.SMS else None),
        "status_detail": n.status_detail,
        "created_at": format_time(n.created_at),
        "sent_at": format_time(n.sent_at),
        "completed_at": format_time(n.completed_at),
    }
    if html is not None:
        view["html"] = html
    # GC's attached files (sending_method "attach"): their metadata, never their content
    attachments = [
        v["document"]
        for v in n.personalisation.values()
        if isinstance(v, dict) and isinstance(v.get("document"), dict)
    ]
    if attachments:
        view["attachments"] = attachments
    return view

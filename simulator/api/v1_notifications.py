"""GC's legacy v1 routes (cds-snc/notification-api ``app/notifications/rest.py``):
``GET /notifications``, ``GET /notifications/<uuid>``, ``POST /notifications/<type>``.

Same auth and key permissions as /v2. Answers are marshmallow's dumps in ``{"data":
...}`` (or the page's own keys); every refusal is v1's ``{"result": "error",
"message": ...}``, which the edge middleware gives any error on these paths.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from simulator.api.body_io import read_body
from simulator.api.json_io import is_json_type, is_not_json, json_response, parse_json_body
from simulator.api.keys import GATEWAY_KEY
from simulator.api.request_log import note
from simulator.api.v2_auth import authenticate, remember_rate, v2_query, v2_query_pairs
from simulator.domain.errors import LegacyInvalidRequest, NotifyError
from simulator.domain.legacy_v1 import LegacyListQuery, legacy_content, read_list_query
from simulator.domain.masking import mask_recipient
from simulator.domain.time_text import day_text
from simulator.gateway.legacy_reads import LegacyReads, LegacyView
from simulator.gateway.legacy_send import LegacySendService

__all__ = ["get_notification", "get_notifications", "legacy_time", "post_notification"]

# werkzeug's descriptions: GC's v1 blueprint answers its 400 with them (Flask hides the
# JSON error outside debug); a non-JSON Content-Type, which GC answers with a 500, gets
# the 415 that werkzeug raised (the sandbox never answers bad input with a 500)
_BAD_REQUEST = "The browser (or proxy) sent a request that this server could not understand."
_NOT_JSON = (
    "Did not attempt to load JSON data because the request Content-Type was not 'application/json'."
)
_SAFE = "!$'()*,/:;?@"  # werkzeug's url_encode leaves these as they are


def legacy_time(moment: datetime | None) -> str | None:
    """GC's FlexibleDateTime: ``%Y-%m-%dT%H:%M:%S.%f+00:00``."""
    if moment is None:
        return None
    return "%sT%02d:%02d:%02d.%06d+00:00" % (  # noqa: UP031 - as time_text.notify_time
        day_text(moment),
        moment.hour,
        moment.minute,
        moment.second,
        moment.microsecond,
    )


def _legacy(request: web.Request) -> tuple[LegacySendService, LegacyReads]:
    gateway = request.app[GATEWAY_KEY]
    assert gateway.legacy_send is not None and gateway.legacy_reads is not None
    return gateway.legacy_send, gateway.legacy_reads


async def post_notification(request: web.Request) -> web.Response:
    legacy_send, _ = _legacy(request)
    principal = await authenticate(request, "send")
    notification_type = legacy_send.notification_type(request.match_info["notification_type"])
    body = await _read_json(request)
    outcome, form = await legacy_send.send(principal, notification_type, body)
    n = outcome.notification
    note(notification_id=n.id, recipient=mask_recipient(n.to))
    remember_rate(request, outcome.rate)
    template = await request.app[GATEWAY_KEY].directory.template_version(
        principal.service.id, n.template_id, n.template_version
    )
    data: dict[str, Any] = {"notification": {"id": n.id}, "template_version": n.template_version}
    if template is not None:
        content = legacy_content(
            template.type.value, template.body, template.subject, form.personalisation
        )
        data["body"] = content.body
        if content.subject is not None:
            data["subject"] = content.subject
    return json_response({"data": data}, status=201)


async def _read_json(request: web.Request) -> Any:
    if not is_json_type(request.content_type):
        raise NotifyError(_NOT_JSON, status_code=415, error="UnsupportedMediaType")
    body = parse_json_body(await read_body(request))
    if is_not_json(body):
        raise NotifyError(_BAD_REQUEST, error="BadRequest")
    if isinstance(body, dict) and isinstance(body.get("to"), str):
        note(recipient=mask_recipient(body["to"]))
    return body


async def get_notification(request: web.Request) -> web.Response:
    _, legacy_reads = _legacy(request)
    principal = await authenticate(request)
    view = await legacy_reads.notification(principal, request.match_info["notification_id"])
    return json_response({"data": {"notification": notification_body(view)}})


async def get_notifications(request: web.Request) -> web.Response:
    _, legacy_reads = _legacy(request)
    principal = await authenticate(request)
    query = read_list_query(v2_query(request), legacy_reads.rules)
    if not isinstance(query, LegacyListQuery):
        raise LegacyInvalidRequest(query)
    page = await legacy_reads.page(principal, query)
    return json_response(
        {
            "notifications": [notification_body(v) for v in page.views],
            "page_size": page.page_size,
            "total": page.total,
            "links": _links(request, page.page, page.page_size, page.total),
        }
    )


def _links(request: web.Request, page: int, page_size: int, total: int) -> dict[str, str]:
    """GC's pagination_links: url_for with page first, then the query's first values."""
    rest: dict[str, str] = {}
    for key, value in v2_query_pairs(request):
        if key != "page":
            rest.setdefault(key, value)
    pages = -(-total // page_size)

    def url(number: int) -> str:
        return "/notifications?" + urlencode({"page": number, **rest}, safe=_SAFE)

    links = {}
    if page > 1:
        links["prev"] = url(page - 1)
    if page < pages:
        links["next"] = url(page + 1)
        links["last"] = url(pages)
    return links


def notification_body(view: LegacyView) -> dict[str, Any]:
    """``NotificationWithPersonalisationSchema``'s dump."""
    n, template, job = view.notification, view.template, view.job
    body: dict[str, Any] = {
        "api_key": n.api_key_id,
        "billable_units": n.billable_units,
        "created_at": legacy_time(n.created_at),
        "id": n.id,
        "job": None
        if job is None
        else {"id": job.id, "original_file_name": job.original_file_name},
        "job_row_number": view.job_row_number,
        "notification_type": n.type.value,
        "reference": n.reference,
        "sent_at": legacy_time(n.sent_at),
        "sent_by": n.provider,
        "service": n.service_id,
        "status": n.status.value,
        "template": {
            "id": n.template_id,
            "name": template.name if template else None,
            "template_type": n.type.value,
            "version": n.template_version,
        },
        "template_version": n.template_version,
        "to": n.to,
        "updated_at": legacy_time(n.updated_at),
    }
    if template is not None:
        content = legacy_content(
            template.type.value, template.body, template.subject, n.personalisation
        )
    else:
        content = None
    body["body"] = content.body if content else n.body
    if n.type.value == "sms":
        body["content_char_count"] = content.content_char_count if content else None
    else:
        body["subject"] = content.subject if content else n.subject
        body["content_char_count"] = None
    return body

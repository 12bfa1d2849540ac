"""/v2/reports (GC only): reports requested, listed, read and downloaded with an API key.

Each route needs the key's ``manage_reports`` permission, checked first (cds-snc/
notification-api app/v2/reports/*.py). A report answers as GC's ``Report.serialize``
without its ``url``; the list pages by ``older_than`` (``v2_paging``).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from simulator.api.json_io import json_response
from simulator.api.keys import GATEWAY_KEY
from simulator.api.presenters import format_time
from simulator.api.v2_auth import authenticate
from simulator.api.v2_notifications import read_v2_body
from simulator.api.v2_paging import check_uuid, older_than_param, page_links
from simulator.domain.reports import Report
from simulator.gateway.principal import Principal
from simulator.gateway.reports import ReportService

__all__ = ["get_report", "get_report_content", "get_reports", "post_report"]

# Flask's uuid converter: anything else under .../content is the route-level 404
UUID_PATTERN = "[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}"


async def post_report(request: web.Request) -> web.Response:
    reports, principal = await _reports(request)
    await reports.check_rate(principal)
    body = await read_v2_body(request, request.app[GATEWAY_KEY].profile)
    report = await reports.request(principal, body)
    return json_response(
        {"report_id": report.id, "status": report.status.value},
        status=202,
        headers={"Location": f"/v2/reports/{report.id}"},
    )


async def get_reports(request: web.Request) -> web.Response:
    reports, principal = await _reports(request)
    older_than = older_than_param(request)
    found = await reports.reports(principal, older_than)
    links = page_links(request, "v2/reports", older_than, found[-1].id if found else None)
    return json_response({"reports": [_body(r) for r in found], "links": links})


async def get_report(request: web.Request) -> web.Response:
    reports, principal = await _reports(request)
    report_id = request.match_info["report_id"]
    check_uuid(request, "report_id", report_id)
    return json_response(_body(await reports.report(principal, report_id)))


async def get_report_content(request: web.Request) -> web.Response:
    reports, principal = await _reports(request)
    report_id = request.match_info["report_id"].lower()
    content = await reports.content(principal, report_id)
    return web.Response(
        body=content.encode("utf-8"),
        headers={
            "Content-Disposition": f'attachment; filename="{report_id}.csv"',
            "Content-Type": "text/csv",
        },
    )


async def _reports(request: web.Request) -> tuple[ReportService, Principal]:
    reports = request.app[GATEWAY_KEY].reports
    assert reports is not None  # the routes exist only where the profile has them
    return reports, await authenticate(request, "manage_reports")


def _body(r: Report) -> dict[str, Any]:
    return {
        "id": r.id,
        "report_type": r.report_type,
        "service_id": r.service_id,
        "status": r.status.value,
        "requested_at": format_time(r.requested_at),
        "completed_at": format_time(r.completed_at),
        "expires_at": format_time(r.expires_at),
        "api_key_id": r.api_key_id,
    }

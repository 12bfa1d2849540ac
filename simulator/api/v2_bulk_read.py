"""GET /v2/notifications/bulk[/{job_id}] and DELETE /v2/notifications/bulk/{job_id} (GC only).

A job answers in ``data`` with GC's ``job_schema`` keys plus ``statistics``, a
``{"status", "count"}`` per status of its notifications, as GC's admin job reads
(cds-snc/notification-api app/job/rest.py). The list pages by ``older_than`` with
``links.current`` and ``links.next``, as GC's v2 lists (app/v2/reports/get_reports.py).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from simulator.api.json_io import json_response
from simulator.api.keys import GATEWAY_KEY
from simulator.api.v2_auth import authenticate
from simulator.api.v2_bulk import job_body
from simulator.api.v2_paging import check_uuid, older_than_param, page_links
from simulator.gateway.bulk_reads import BulkReads, JobWithStatistics
from simulator.gateway.principal import Principal

__all__ = ["delete_job", "get_job", "get_jobs"]


async def get_jobs(request: web.Request) -> web.Response:
    reads, principal = await _reads(request)
    older_than = older_than_param(request)
    found = await reads.jobs(principal, older_than)
    last_id = found[-1].job.id if found else None
    links = page_links(request, "v2/notifications/bulk", older_than, last_id)
    return json_response({"data": [_body(request, principal, j) for j in found], "links": links})


async def get_job(request: web.Request) -> web.Response:
    reads, principal = await _reads(request)
    found = await reads.job(principal, _job_id(request))
    return json_response({"data": _body(request, principal, found)})


async def delete_job(request: web.Request) -> web.Response:
    """Cancel a scheduled job: 200 with the cancelled job, or a 409 saying why not."""
    reads, principal = await _reads(request)
    found = await reads.cancel(principal, _job_id(request))
    return json_response({"data": _body(request, principal, found)})


async def _reads(request: web.Request) -> tuple[BulkReads, Principal]:
    reads = request.app[GATEWAY_KEY].bulk_reads
    assert reads is not None  # the routes exist only where the profile has bulk sends
    return reads, await authenticate(request)


def _body(request: web.Request, principal: Principal, found: JobWithStatistics) -> dict[str, Any]:
    rules = request.app[GATEWAY_KEY].profile.bulk
    assert rules is not None
    body = job_body(
        found.job, key_name=found.key_name, service_name=principal.service.name, rules=rules
    )
    body["statistics"] = [{"status": s, "count": n} for s, n in found.statistics]
    return body


def _job_id(request: web.Request) -> str:
    job_id = request.match_info["job_id"]
    check_uuid(request, "job_id", job_id)
    return job_id

"""GC Notify's own routes, beyond the send and read routes both profiles share: its v2
extras and its legacy v1 API.

Registered before the shared table so that ``/v2/notifications/bulk`` wins over
``/v2/notifications/{notification_id}``; where the profile lacks a feature its URLs
stay the route-level 404.
"""

from __future__ import annotations

from aiohttp import web

from simulator.api import v1_notifications, v2_bulk_read, v2_manage_template, v2_reports
from simulator.domain.profiles import Profile

__all__ = ["gc_v2_routes"]


def gc_v2_routes(profile: Profile) -> list[web.RouteDef]:
    routes: list[web.RouteDef] = []
    if profile.bulk is not None:
        job = "/v2/notifications/bulk/{job_id}"
        routes += [
            web.get("/v2/notifications/bulk", v2_bulk_read.get_jobs, allow_head=False),
            web.get(job, v2_bulk_read.get_job, allow_head=False),
            web.delete(job, v2_bulk_read.delete_job),
        ]
    if profile.manage_templates is not None:
        m, one = v2_manage_template, "/v2/manage-template/{template_id}"
        routes += [
            web.post("/v2/manage-template", m.post_template),
            # before {template_id}, as Flask prefers the static rule
            web.get(
                "/v2/manage-template/template-categories",
                m.get_template_categories,
                allow_head=False,
            ),
            web.get(one, m.get_template, allow_head=False),
            web.patch(one, m.patch_template),
            web.delete(one, m.delete_template),
        ]
    if profile.reports is not None:
        r = v2_reports
        routes += [
            web.post("/v2/reports", r.post_report),
            web.get("/v2/reports", r.get_reports, allow_head=False),
            web.get(
                f"/v2/reports/{{report_id:{r.UUID_PATTERN}}}/content",
                r.get_report_content,
                allow_head=False,
            ),
            web.get("/v2/reports/{report_id}", r.get_report, allow_head=False),
        ]
    if profile.legacy_v1 is not None:  # GC's v1 API (app/notifications/rest.py)
        v1 = v1_notifications
        routes += [
            web.get("/notifications", v1.get_notifications, allow_head=False),
            # Flask's uuid converter: any other id is no GET route (405, as the POST matches)
            web.get(
                f"/notifications/{{notification_id:{v2_reports.UUID_PATTERN}}}",
                v1.get_notification,
                allow_head=False,
            ),
            web.post("/notifications/{notification_type}", v1.post_notification),
        ]
    return routes

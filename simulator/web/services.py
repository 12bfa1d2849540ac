"""Your services, and a service's dashboard (team and live messages only)."""

from __future__ import annotations

from aiohttp import web

from simulator.domain.ports import InspectionQuery
from simulator.domain.team import VIEW_ACTIVITY
from simulator.web.charts import day_bars
from simulator.web.pages import Page, page

__all__ = ["get_dashboard", "get_your_services"]

_RECENT = 10


@page(service=False)
async def get_your_services(p: Page) -> web.StreamResponse:
    memberships = await p.gateway.team_access.memberships(p.session.email, admin=p.session.admin)
    return p.render("views/your-services.html", memberships=memberships)


@page(permission=VIEW_ACTIVITY)
async def get_dashboard(p: Page) -> web.StreamResponse:
    log = p.gateway.message_log
    activity = await log.activity(p.service.id)
    recent = [
        row
        for key_type in ("team", "normal")
        for row in await log.find(
            InspectionQuery(service_id=p.service.id, key_type=key_type, limit=_RECENT)
        )
    ]
    recent.sort(key=lambda row: row.notification.created_at, reverse=True)
    return p.render(
        "views/dashboard.html",
        activity=activity,
        chart=day_bars(activity.days, p.language),
        recent=recent[:_RECENT],
        live=True,
    )

"""One message: its status timeline, what was rendered, and the callbacks it caused."""

from __future__ import annotations

from aiohttp import web

from simulator.domain.models import NotificationType
from simulator.domain.team import VIEW_ACTIVITY
from simulator.web.pages import Page, page

__all__ = ["get_notification"]


@page(permission=VIEW_ACTIVITY)
async def get_notification(p: Page) -> web.StreamResponse:
    log = p.gateway.message_log
    row = await log.one(p.request.match_info["notification_id"], service_id=p.service.id)
    if row is None:
        raise p.gateway.profile.messages.no_result_error()
    n = row.notification
    fragments = row.fragment_count
    if fragments is None and n.type is NotificationType.SMS:
        fragments = n.billable_units
    return p.render(
        "views/notification.html",
        row=row,
        n=n,
        html=await log.email_html(row),
        fragments=fragments,
        callbacks=await p.gateway.service_callbacks.sent_for(n.id),
        live=True,
    )

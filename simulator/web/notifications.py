"""One message: its status timeline, what was rendered, and the callbacks it caused."""

from __future__ import annotations

from aiohttp import web

from simulator.domain.errors import NotifyError
from simulator.domain.models import NotificationType
from simulator.domain.ports import InspectionRow
from simulator.domain.team import VIEW_ACTIVITY
from simulator.web.pages import Page, page
from simulator.web.state import PAGE_KEY

__all__ = ["get_letter_pdf", "get_notification"]


async def _row(p: Page) -> InspectionRow:
    row = await p.gateway.message_log.one(
        p.request.match_info["notification_id"], service_id=p.service.id
    )
    if row is None:
        raise p.gateway.profile.messages.no_result_error()
    return row


@page(permission=VIEW_ACTIVITY)
async def get_letter_pdf(p: Page) -> web.StreamResponse:
    """The letter as printed (gateway.letters, as GET /v2/notifications/{id}/pdf has it)."""
    n = (await _row(p)).notification
    letters = p.gateway.letters
    if letters is None or n.type is not NotificationType.LETTER:
        raise p.gateway.profile.messages.no_result_error()
    try:
        pdf = await letters.pdf(n)
    except NotifyError as error:  # not ready yet, or failed its virus scan
        message = error.items[0].message
        return p.render("views/letter-pdf-not-ready.html", status=409, message=message, n=n)
    p.request[PAGE_KEY] = False  # a PDF: the pages' CSP would stop the browser's viewer
    return web.Response(
        body=pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="letter-{n.id}.pdf"'},
    )


@page(permission=VIEW_ACTIVITY)
async def get_notification(p: Page) -> web.StreamResponse:
    log = p.gateway.message_log
    row = await _row(p)
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

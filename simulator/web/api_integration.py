"""API integration: the message log, callbacks and the guest list (safelist)."""

from __future__ import annotations

from aiohttp import web

from simulator.domain.errors import NotifyError
from simulator.domain.ports import InspectionQuery
from simulator.domain.team import MANAGE_API_KEYS
from simulator.gateway.service_callbacks import masked_callback
from simulator.web.forms import N_, FieldError
from simulator.web.pages import Page, page

__all__ = [
    "get_api_integration",
    "get_callbacks",
    "get_guest_list",
    "post_callbacks",
    "post_guest_list",
]

_LOG_SIZE = 50
_KINDS = ("delivery_status", "inbound_sms")


@page(permission=MANAGE_API_KEYS)
async def get_api_integration(p: Page) -> web.StreamResponse:
    # notifications-admin api_integration: include_from_test_key=True, so test sends show here
    rows = await p.gateway.message_log.find(
        InspectionQuery(service_id=p.service.id, limit=_LOG_SIZE)
    )
    return p.render("views/api.html", rows=rows, live=True)


def _callbacks_page(p: Page, errors: list[FieldError], status: int = 200) -> web.Response:
    kind = p.field("kind")
    current = {kind: masked_callback(v) for kind, v in p.service.callbacks.items()}
    health_of = p.gateway.callback_health
    rules = health_of.rules
    # GC: suspension after repeated failures, and the last health-check ping (issue 17)
    health = {
        kind: health_of.view(p.service, kind)
        for kind in current
        if rules is not None and kind in rules.kinds
    }
    return p.render(
        "views/callbacks.html",
        status=status,
        errors=errors,
        current=current,
        health=health,
        values={"kind": kind, "url": p.field(f"{kind}-url")},
        banner=p.session.take("banner") or "",
    )


@page(permission=MANAGE_API_KEYS)
async def get_callbacks(p: Page) -> web.StreamResponse:
    return _callbacks_page(p, [])


@page(permission=MANAGE_API_KEYS)
async def post_callbacks(p: Page) -> web.StreamResponse:
    kind = p.field("kind")
    if kind not in _KINDS:
        return _callbacks_page(p, [FieldError("kind", p._(N_("Select a callback")))], 400)
    callbacks = p.gateway.service_callbacks
    try:
        if p.field("action") == "remove":
            await callbacks.remove(p.service.id, kind)
            p.session.once["banner"] = p._("Callback removed")
        else:
            url, token = p.field(f"{kind}-url"), p.field(f"{kind}-bearer_token")
            await callbacks.set(p.service.id, kind, url, token)
            p.session.once["banner"] = p._("Callback saved")
    except NotifyError as error:
        if error.status_code == 404:
            raise
        message = error.items[0].message
        field = f"{kind}-bearer_token" if message.startswith("bearer_token") else f"{kind}-url"
        return _callbacks_page(p, [FieldError(field, p._(message))], 400)
    return p.redirect(f"{p.service_url}/api/callbacks")


def _guest_page(p: Page, errors: list[FieldError], status: int = 200) -> web.Response:
    return p.render(
        "views/guest-list.html",
        status=status,
        errors=errors,
        recipient=p.field("recipient"),
        banner=p.session.take("banner") or "",
    )


@page(permission=MANAGE_API_KEYS)
async def get_guest_list(p: Page) -> web.StreamResponse:
    return _guest_page(p, [])


@page(permission=MANAGE_API_KEYS)
async def post_guest_list(p: Page) -> web.StreamResponse:
    admin = p.gateway.service_admin
    remove = p.field("remove")
    try:
        if remove:
            await admin.remove_guest(p.service.id, remove)
        else:
            recipient = p.field("recipient")
            if not recipient:
                message = p._(N_("Enter an email address or phone number"))
                return _guest_page(p, [FieldError("recipient", message)], 400)
            await admin.add_guest(p.service.id, recipient)
    except NotifyError as error:
        if error.status_code == 404:
            raise
        message = error.items[0].message.removeprefix("recipient ")
        return _guest_page(p, [FieldError("recipient", p._(message))], 400)
    p.session.once["banner"] = p._("Guest list updated")
    return p.redirect(f"{p.service_url}/api/guest-list")

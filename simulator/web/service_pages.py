"""Team members, settings, usage and received texts."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from simulator.domain.errors import NotifyError
from simulator.domain.team import MANAGE_SERVICE, TEAM_PERMISSIONS, VIEW_ACTIVITY
from simulator.web.charts import meter
from simulator.web.forms import N_, FieldError
from simulator.web.pages import Page, page

__all__ = [
    "get_inbound",
    "get_settings",
    "get_usage",
    "get_users",
    "post_inbound",
    "post_settings",
]


@page()
async def get_users(p: Page) -> web.StreamResponse:
    return p.render("views/users.html", all_permissions=TEAM_PERMISSIONS)


def _settings_page(
    p: Page, errors: list[FieldError], values: dict[str, Any], status: int = 200
) -> web.Response:
    return p.render(
        "views/service-settings.html",
        status=status,
        errors=errors,
        values=values,
        banner=p.session.take("banner") or "",
    )


@page(permission=MANAGE_SERVICE)
async def get_settings(p: Page) -> web.StreamResponse:
    s = p.service
    values = {"name": s.name, "rate_limit": s.rate_limit, "retention": s.data_retention_days}
    return _settings_page(p, [], values)


def _whole(p: Page, name: str, errors: list[FieldError]) -> int | None:
    raw = p.field(name)
    if not raw.isdigit() or int(raw) < 1:
        errors.append(FieldError(name, p._(N_("Enter a whole number of at least 1"))))
        return None
    return int(raw)


@page(permission=MANAGE_SERVICE)
async def post_settings(p: Page) -> web.StreamResponse:
    admin = p.gateway.service_admin
    mode = p.field("mode")
    if mode in {"live", "trial"}:  # the "Make your service live" and back buttons
        await admin.update(p.service.id, {"restricted": mode == "trial"})
        p.session.once["banner"] = (
            p._("Your service is now live")
            if mode == "live"
            else p._("Your service is in trial mode")
        )
        return p.redirect(f"{p.service_url}/service-settings")
    errors: list[FieldError] = []
    values = {k: p.field(k) for k in ("name", "rate_limit", "retention")}
    if not values["name"]:
        errors.append(FieldError("name", p._(N_("Enter a service name"))))
    rate_limit = _whole(p, "rate_limit", errors)
    retention = _whole(p, "retention", errors)
    if errors:
        return _settings_page(p, errors, values, 400)
    try:
        await admin.update(
            p.service.id,
            {"name": values["name"], "rate_limit": rate_limit, "data_retention_days": retention},
        )
    except NotifyError as error:
        if error.status_code == 404:
            raise
        return _settings_page(p, [FieldError("name", p._(error.items[0].message))], values, 400)
    p.session.once["banner"] = p._("Your changes have been saved")
    return p.redirect(f"{p.service_url}/service-settings")


@page(permission=MANAGE_SERVICE)
async def get_usage(p: Page) -> web.StreamResponse:
    report = await p.gateway.usage.today(p.service.id)
    year = await p.gateway.usage.this_year(p.service.id)
    meters = {
        channel: meter(figures["used"], figures["limit"])
        for channel, figures in report["channels"].items()
    }
    year_meters = {c: meter(f["used"], f["limit"]) for c, f in year.items()}
    return p.render(
        "views/usage.html", report=report, meters=meters, year=year, year_meters=year_meters
    )


@page(permission=VIEW_ACTIVITY)
async def get_inbound(p: Page) -> web.StreamResponse:
    texts = await p.gateway.service_callbacks.received_texts(p.service.id)
    return p.render(
        "views/inbound.html",
        errors=[],
        values={},
        texts=texts,
        banner=p.session.take("banner") or "",
        live=True,
    )


@page(permission=VIEW_ACTIVITY)
async def post_inbound(p: Page) -> web.StreamResponse:
    callbacks = p.gateway.service_callbacks
    errors = []
    if not p.field("user_number"):
        errors.append(FieldError("user_number", p._(N_("Enter a phone number"))))
    if not p.field("content"):
        errors.append(FieldError("content", p._(N_("Enter the message"))))
    if not errors:
        try:
            await callbacks.inject_text(p.service.id, p.field("user_number"), p.field("content"))
        except NotifyError as error:
            if error.status_code == 404:
                raise
            message = error.items[0].message
            field = "content" if message.startswith("content") else "user_number"
            errors.append(FieldError(field, p._(message)))
    if errors:
        return p.render(
            "views/inbound.html",
            status=400,
            errors=errors,
            values={k: p.field(k) for k in ("user_number", "content")},
            texts=await callbacks.received_texts(p.service.id),
            banner="",
            live=True,
        )
    p.session.once["banner"] = p._("Text message received")
    return p.redirect(f"{p.service_url}/inbound")

"""One wrapper for every dashboard page: session, language, CSRF, access, error pages.

A handler takes a `Page` and returns a response; everything a page must never
forget (a CSRF check on every POST, another service's URL answering 404, the
permission a page needs) happens here, once.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from multidict import MultiDict, MultiDictProxy

from simulator.api.keys import GATEWAY_KEY, Gateway
from simulator.domain.errors import NotifyError
from simulator.domain.models import Service
from simulator.gateway.team_access import Membership
from simulator.web.i18n import choose_language
from simulator.web.sessions import COOKIE_NAME, Session
from simulator.web.state import DASHBOARD_KEY, PAGE_KEY, Dashboard

__all__ = ["LANG_COOKIE", "Page", "PageHandler", "page", "safe_next"]

LANG_COOKIE = "notify_sandbox_lang"
PageHandler = Callable[["Page"], Awaitable[web.StreamResponse]]


@dataclass(slots=True)
class Page:
    request: web.Request
    gateway: Gateway
    dashboard: Dashboard
    session: Session
    language: str
    form: MultiDictProxy[Any]
    membership: Membership | None = None

    @property
    def service(self) -> Service:
        assert self.membership is not None, "a service page without a membership"
        return self.membership.service

    @property
    def service_url(self) -> str:
        return f"/services/{self.service.id}"

    def _(self, text: str) -> str:
        return self.dashboard.renderer.gettext(self.language)(text)

    def field(self, name: str) -> str:
        value = self.form.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    def render(self, template: str, *, status: int = 200, **context: Any) -> web.Response:
        base = {
            "csrf_token": self.session.csrf_token,
            "session": self.session,
            "membership": self.membership,
            "service": self.membership.service if self.membership else None,
            "path": self.request.path,
            "profile": self.gateway.profile,
            "errors": [],
        }
        html = self.dashboard.renderer.render(self.language, template, {**base, **context})
        return web.Response(text=html, status=status, content_type="text/html")

    def redirect(self, location: str) -> web.Response:
        return web.Response(status=303, headers={"Location": location})


def safe_next(value: str | None) -> str | None:
    """Only a path on this site: `next=//evil.example` must not send anyone away."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    return value


def page(
    *, signed_in: bool = True, service: bool = True, permission: str | None = None
) -> Callable[[PageHandler], Callable[[web.Request], Awaitable[web.StreamResponse]]]:
    def wrap(handler: PageHandler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def run(request: web.Request) -> web.StreamResponse:
            request[PAGE_KEY] = True
            dashboard = request.app[DASHBOARD_KEY]
            existing = dashboard.sessions.get(request.cookies.get(COOKIE_NAME))
            session = existing or dashboard.sessions.new()
            language, remember = choose_language(
                request.query,
                request.cookies.get(LANG_COOKIE),
                request.headers.get("Accept-Language", ""),
                follows_accept_language=dashboard.look.follows_accept_language,
            )
            form: MultiDictProxy[Any] = (
                await request.post() if request.method == "POST" else MultiDictProxy(_EMPTY)
            )
            current = Page(request, request.app[GATEWAY_KEY], dashboard, session, language, form)
            response = await _guarded(current, handler, signed_in, service, permission)
            _set_cookies(request, response, current, existing, language if remember else None)
            return response

        return run

    return wrap


async def _guarded(
    current: Page, handler: PageHandler, signed_in: bool, service: bool, permission: str | None
) -> web.StreamResponse:
    request, session = current.request, current.session
    if request.method == "POST" and not _csrf_ok(current):
        return current.render("views/error-csrf.html", status=400)
    if signed_in and not session.signed_in:
        if request.method == "GET":
            return current.redirect(f"/sign-in?next={request.path}")
        return current.render("views/error-404.html", status=404)
    if service:
        membership = await current.gateway.team_access.membership(
            session.email, request.match_info["service_id"], admin=session.admin
        )
        if membership is None:  # another service's URL does not even admit it exists
            return current.render("views/error-404.html", status=404)
        current.membership = membership
        if permission is not None and not membership.can(permission):
            return current.render("views/error-403.html", status=403)
    try:
        return await handler(current)
    except NotifyError as error:
        if error.status_code == 404:
            return current.render("views/error-404.html", status=404)
        raise


def _csrf_ok(current: Page) -> bool:
    sent = current.form.get("csrf_token")
    return isinstance(sent, str) and hmac.compare_digest(
        sent.encode(), current.session.csrf_token.encode()
    )


def _set_cookies(
    request: web.Request,
    response: web.StreamResponse,
    current: Page,
    existing: Session | None,
    remember_language: str | None,
) -> None:
    secure = request.secure or request.headers.get("X-Forwarded-Proto") == "https"
    options: dict[str, Any] = {"httponly": True, "samesite": "Lax", "secure": secure, "path": "/"}
    sessions = current.dashboard.sessions
    if sessions.get_live(current.session) is None:
        response.del_cookie(COOKIE_NAME, path="/")
    elif existing is None or existing.id != current.session.id:
        response.set_cookie(COOKIE_NAME, sessions.cookie_value(current.session), **options)
    if remember_language is not None:
        response.set_cookie(LANG_COOKIE, remember_language, max_age=365 * 86400, **options)


_EMPTY: MultiDict[Any] = MultiDict()

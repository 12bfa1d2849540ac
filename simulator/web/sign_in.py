"""Sign in as a team member (email and password) or as the platform admin (the admin token)."""

from __future__ import annotations

from aiohttp import web

from simulator.web.forms import N_, FieldError
from simulator.web.pages import Page, page, safe_next

__all__ = ["get_sign_in", "post_sign_in", "post_sign_out"]

# notifications-admin app/main/views/sign_in.py
_WRONG = N_("The email address or password you entered is incorrect")
_WRONG_TOKEN = N_("The admin token you entered is incorrect")


@page(signed_in=False, service=False)
async def get_sign_in(p: Page) -> web.StreamResponse:
    if p.session.signed_in:
        return p.redirect(await _landing(p))
    return _form(p)


def _form(p: Page, errors: list[FieldError] | None = None, status: int = 200) -> web.Response:
    return p.render(
        "views/sign-in.html",
        status=status,
        errors=errors or [],
        email_address=p.field("email_address"),
        next_path=safe_next(p.request.query.get("next")),
    )


@page(signed_in=False, service=False)
async def post_sign_in(p: Page) -> web.StreamResponse:
    access = p.gateway.team_access
    sessions = p.dashboard.sessions
    if "admin_token" in p.form:
        if not access.is_admin_token(p.field("admin_token")):
            return _form(p, [FieldError("admin_token", p._(_WRONG_TOKEN))], 400)
        p.session = sessions.start(p.session, email=None, admin=True)
        return p.redirect(await _landing(p))
    errors = []
    email, password = p.field("email_address"), p.form.get("password", "")
    if not email:
        errors.append(FieldError("email_address", p._("Enter your email address")))
    if not isinstance(password, str) or not password:
        errors.append(FieldError("password", p._("Enter your password")))
    if errors:
        return _form(p, errors, 400)
    signed_in_as = await access.sign_in(email, str(password))
    if signed_in_as is None:
        return _form(p, [FieldError("email_address", p._(_WRONG))], 400)
    p.session = sessions.start(p.session, email=signed_in_as, admin=False)
    return p.redirect(await _landing(p))


async def _landing(p: Page) -> str:
    """Where Notify sends you: back where you were, or straight to your only service."""
    wanted = safe_next(p.request.query.get("next"))
    if wanted:
        return wanted
    memberships = await p.gateway.team_access.memberships(p.session.email, admin=p.session.admin)
    if len(memberships) == 1:
        return f"/services/{memberships[0].service.id}"
    return "/your-services"


@page(signed_in=False, service=False)
async def post_sign_out(p: Page) -> web.StreamResponse:
    p.dashboard.sessions.end(p.session)
    return p.redirect("/sign-in")

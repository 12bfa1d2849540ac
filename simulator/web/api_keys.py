"""API keys: list, create (the secret shown once), revoke, delete, and one key's page.

Notify admin app/main/views/api_keys.py: create_api_key shows the key on the page
after the POST; here the POST stores it in the session and redirects, and the next
page takes it out, so a reload, the history or a later page never has it.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, time
from typing import Any

from aiohttp import web

from simulator.api.admin_views import key_view
from simulator.api.keys import CONFIG_KEY
from simulator.domain.errors import NotifyError
from simulator.domain.keys import ALL_PERMISSIONS, key_status
from simulator.domain.models import ApiKey
from simulator.domain.team import MANAGE_API_KEYS
from simulator.web.forms import N_, FieldError
from simulator.web.pages import Page, page

__all__ = [
    "get_create_key",
    "get_created_key",
    "get_key",
    "get_keys",
    "get_remove_key",
    "post_create_key",
    "post_edit_key",
    "post_remove_key",
]

_SECRET = "new_key"
_PERMISSIONS = sorted(ALL_PERMISSIONS)
_KEY_TYPES = ("normal", "team", "test")


def _rows(p: Page, keys: list[ApiKey]) -> list[dict[str, Any]]:
    usage = p.gateway.key_usage
    now = p.gateway.clock.now()
    return [
        {
            "key": key,
            "status": key_status(key, now),
            "last_used_at": usage.last_used(key.id) or key.last_used_at,
        }
        for key in keys
    ]


@page(permission=MANAGE_API_KEYS)
async def get_keys(p: Page) -> web.StreamResponse:
    keys = await p.gateway.key_manager.keys(p.service.id)
    return p.render(
        "views/api-keys.html",
        rows=_rows(p, keys),
        all_permissions=_PERMISSIONS,
        banner=p.session.take("banner") or "",
    )


@page(permission=MANAGE_API_KEYS)
async def get_create_key(p: Page) -> web.StreamResponse:
    return _create_form(p, {"key_type": "test", "permissions": _PERMISSIONS}, [])


def _create_form(
    p: Page, values: dict[str, Any], errors: list[FieldError], status: int = 200
) -> web.Response:
    offered = [t for t in _KEY_TYPES if t != "normal" or not p.service.restricted]
    return p.render(
        "views/api-key-create.html",
        status=status,
        values=values,
        errors=errors,
        key_types=offered,
        permissions=_PERMISSIONS,
    )


def _expiry(p: Page, raw: str, errors: list[FieldError]) -> str | None:
    """A date (the key works until the end of that day, UTC), as the API takes it."""
    if not raw:
        return None
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        errors.append(FieldError("expires_on", p._("Enter the expiry date as YYYY-MM-DD")))
        return None
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC).isoformat()


def _key_fields(p: Page, errors: list[FieldError]) -> dict[str, Any]:
    return {
        "name": p.field("key_name"),
        "description": p.field("description"),
        "permissions": [v for v in p.form.getall("permissions", []) if isinstance(v, str)],
        "expires_at": _expiry(p, p.field("expires_on"), errors),
    }


# the gateway's texts, and the field each one is about
_FIELD_OF = {
    "name": "key_name",
    "key_type": "key_type",
    "permissions": "permissions",
    "expires_at": "expires_on",
    "description": "description",
}


def _gateway_error(p: Page, error: NotifyError, default: str) -> FieldError:
    message = error.items[0].message if error.items else str(error)
    field = next((f for prefix, f in _FIELD_OF.items() if message.startswith(prefix)), default)
    return FieldError(field, p._(message))


@page(permission=MANAGE_API_KEYS)
async def post_create_key(p: Page) -> web.StreamResponse:
    errors: list[FieldError] = []
    values = {**_key_fields(p, errors), "key_type": p.field("key_type")}
    shown = {**values, "expires_on": p.field("expires_on"), "key_name": values["name"]}
    if not values["name"]:
        errors.append(FieldError("key_name", p._(N_("You need to give the key a name"))))
    if values["key_type"] not in _KEY_TYPES:
        errors.append(FieldError("key_type", p._(N_("Select a type of key"))))
    if not values["permissions"]:
        errors.append(FieldError("permissions", p._(N_("Select at least one permission"))))
    if errors:
        return _create_form(p, shown, errors, 400)
    member = p.membership.member.email_address if p.membership else None
    try:
        created = await p.gateway.key_manager.create(
            p.service.id, {**values, "created_by": member or "platform admin"}
        )
    except NotifyError as error:
        if error.status_code == 404:
            raise
        return _create_form(p, shown, [_gateway_error(p, error, "key_type")], 400)
    p.session.once[_SECRET] = f"{created.key.id} {created.full_key}"
    return p.redirect(f"{p.service_url}/api/keys/created")


def _auth_headers(p: Page, full_key: str) -> list[tuple[str, str]]:
    """The ready-made header for each extra auth scheme this sandbox accepts."""
    schemes = set(p.request.app[CONFIG_KEY].auth_schemes) | set(
        p.gateway.profile.builtin_auth_schemes
    )
    shown = []
    if "basic" in schemes:
        encoded = base64.b64encode(full_key.encode()).decode()
        shown.append(("basic", f"Authorization: Basic {encoded}"))
    if "apikey-v1" in schemes:
        shown.append(("apikey-v1", f"Authorization: ApiKey-v1 {full_key}"))
    if "bearer-key" in schemes:
        shown.append(("bearer-key", f"Authorization: Bearer {full_key}"))
    return shown


@page(permission=MANAGE_API_KEYS)
async def get_created_key(p: Page) -> web.StreamResponse:
    held = p.session.take(_SECRET)  # read once: a reload finds nothing
    if held is None:
        return p.render("views/api-key-gone.html", status=410)
    key_id, full_key = held.split(" ", 1)
    key = await p.gateway.key_manager.key(p.service.id, key_id)
    return p.render(
        "views/api-key-created.html",
        key=key,
        full_key=full_key,
        headers=_auth_headers(p, full_key),
    )


def _action(p: Page) -> str:
    action = p.request.match_info["action"]
    if action not in {"revoke", "delete"}:
        raise p.gateway.profile.messages.no_result_error()
    return action


@page(permission=MANAGE_API_KEYS)
async def get_remove_key(p: Page) -> web.StreamResponse:
    key = await p.gateway.key_manager.key(p.service.id, p.request.match_info["key_id"])
    return p.render("views/api-key-remove.html", key=key, action=_action(p))


@page(permission=MANAGE_API_KEYS)
async def post_remove_key(p: Page) -> web.StreamResponse:
    action = _action(p)
    manager = p.gateway.key_manager
    key = await manager.key(p.service.id, p.request.match_info["key_id"])
    try:
        if action == "revoke":
            await manager.revoke(p.service.id, key.id)
        else:
            await manager.delete(p.service.id, key.id)
    except NotifyError as error:
        if error.status_code == 404:
            raise
        message = p._(error.items[0].message)
        return p.render(
            "views/api-key-remove.html",
            status=400,
            key=key,
            action=action,
            errors=[FieldError("confirm", message)],
        )
    done = p._("‘%(name)s’ was revoked") if action == "revoke" else p._("‘%(name)s’ was deleted")
    p.session.once["banner"] = done % {"name": key.name}
    return p.redirect(f"{p.service_url}/api/keys")


async def _key_page(
    p: Page, key: ApiKey, errors: list[FieldError], values: dict[str, Any], status: int = 200
) -> web.Response:
    gateway = p.gateway
    sends = await gateway.key_manager.sends(key)
    view = key_view(
        key,
        gateway.clock.now(),
        last_used_at=gateway.key_usage.last_used(key.id),
        extra_requests=gateway.key_usage.unflushed_requests(key.id),
        sends=sends,
    )
    events = await gateway.key_manager.activity(key, limit=50)
    return p.render(
        "views/api-key.html",
        status=status,
        key=key,
        view=view,
        events=events,
        errors=errors,
        values=values,
        permissions=_PERMISSIONS,
        banner=p.session.take("banner") or "",
    )


def _current_values(key: ApiKey) -> dict[str, Any]:
    return {
        "key_name": key.name,
        "description": key.description,
        "permissions": sorted(key.permissions or ALL_PERMISSIONS),
        "expires_on": key.expires_at.strftime("%Y-%m-%d") if key.expires_at else "",
    }


@page(permission=MANAGE_API_KEYS)
async def get_key(p: Page) -> web.StreamResponse:
    key = await p.gateway.key_manager.key(p.service.id, p.request.match_info["key_id"])
    return await _key_page(p, key, [], _current_values(key))


@page(permission=MANAGE_API_KEYS)
async def post_edit_key(p: Page) -> web.StreamResponse:
    manager = p.gateway.key_manager
    key = await manager.key(p.service.id, p.request.match_info["key_id"])
    errors: list[FieldError] = []
    changes = _key_fields(p, errors)
    shown = {**changes, "key_name": changes["name"], "expires_on": p.field("expires_on")}
    if not changes["name"]:
        errors.append(FieldError("key_name", p._(N_("You need to give the key a name"))))
    if not changes["permissions"]:
        errors.append(FieldError("permissions", p._(N_("Select at least one permission"))))
    if errors:
        return await _key_page(p, key, errors, shown, 400)
    if changes["expires_at"] is None and key.expires_at is None:
        del changes["expires_at"]  # unchanged: no expiry before, none now
    try:
        await manager.edit(p.service.id, key.id, changes)
    except NotifyError as error:
        if error.status_code == 404:
            raise
        return await _key_page(p, key, [_gateway_error(p, error, "key_name")], shown, 400)
    p.session.once["banner"] = p._("Your changes have been saved")
    return p.redirect(f"{p.service_url}/api/keys/{key.id}")

"""/v2/manage-template (GC only): templates created, read, changed and archived with an API key.

Each route needs the key's ``manage_templates`` permission, checked first, as GC does
(cds-snc/notification-api app/v2/manage_template/*.py). The template answers in GC's
``_serialize_template`` shape (get_template.py): no envelope, dates in GC's
DATETIME_FORMAT, the category's English name, ``folder_id`` always null here (the sandbox
has no template folders).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from simulator.api.body_io import read_body
from simulator.api.json_io import json_response
from simulator.api.keys import GATEWAY_KEY
from simulator.api.presenters import format_time
from simulator.api.v2_auth import authenticate
from simulator.api.v2_notifications import read_v2_body
from simulator.domain.errors import ValidationError
from simulator.domain.models import NotificationType, Template
from simulator.gateway.principal import Principal
from simulator.gateway.template_management import TemplateManagement

__all__ = [
    "delete_template",
    "get_template",
    "get_template_categories",
    "patch_template",
    "post_template",
]

_PERMISSION = "manage_templates"


async def post_template(request: web.Request) -> web.Response:
    manager, principal = await _manager(request)
    body = await read_v2_body(request, request.app[GATEWAY_KEY].profile)
    template = await manager.create(principal, body)
    return json_response(_body(manager, principal, template), status=201)


async def get_template(request: web.Request) -> web.Response:
    manager, principal = await _manager(request)
    template = await manager.template(principal, _template_id(request))
    return json_response(_body(manager, principal, template))


async def patch_template(request: web.Request) -> web.Response:
    manager, principal = await _manager(request)
    template_id = _template_id(request)
    raw = await read_body(request)
    body = await read_v2_body(request, request.app[GATEWAY_KEY].profile) if raw.strip() else {}
    template = await manager.update(principal, template_id, body)
    return json_response(_body(manager, principal, template))


async def delete_template(request: web.Request) -> web.Response:
    manager, principal = await _manager(request)
    template = await manager.archive(principal, _template_id(request))
    return json_response(_body(manager, principal, template))


async def get_template_categories(request: web.Request) -> web.Response:
    manager, _ = await _manager(request)
    listed = [
        {"template_category_id": c.id, "name": c.name_en}
        for c in manager.rules.categories
        if not c.hidden
    ]
    return json_response({"template_categories": listed})


async def _manager(request: web.Request) -> tuple[TemplateManagement, Principal]:
    manager = request.app[GATEWAY_KEY].template_management
    assert manager is not None  # the routes exist only where the profile has them
    return manager, await authenticate(request, _PERMISSION)


def _template_id(request: web.Request) -> str:
    template_id = request.match_info["template_id"]
    errors = request.app[GATEWAY_KEY].schemas.validate_uuid_path("id", template_id)
    if errors:
        raise ValidationError([e.message for e in errors])
    return template_id


def _body(manager: TemplateManagement, principal: Principal, t: Template) -> dict[str, Any]:
    category = manager.rules.category(t.category_id)
    return {
        "id": t.id,
        "service_id": t.service_id,
        "service_name": principal.service.name,
        "name": t.name,
        "type": t.type.value,
        "created_at": format_time(t.created_at),
        "updated_at": format_time(t.updated_at),
        "created_by": t.created_by,
        "version": t.version,
        "body": t.body,
        "subject": t.subject if t.type is not NotificationType.SMS else None,
        "postage": t.postage,
        "template_category_id": t.category_id,
        "template_category_name": category.name_en if category else None,
        "folder_id": None,
        "archived": t.archived,
    }

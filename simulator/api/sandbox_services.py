"""/sandbox/v1/services: services, team members, guest list, templates."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from simulator.api.admin_views import service_view
from simulator.api.body_io import read_body
from simulator.api.json_io import is_not_json, json_response, parse_json_body
from simulator.api.keys import ADMIN_KEY
from simulator.api.presenters import template_body
from simulator.domain.errors import BadRequestError

__all__ = [
    "add_guest",
    "add_team_member",
    "archive_template",
    "create_service",
    "create_template",
    "get_service",
    "list_guest_list",
    "list_services",
    "list_team",
    "remove_guest",
    "remove_team_member",
    "set_team_password",
    "update_service",
    "update_template",
]


async def admin_body(request: web.Request) -> dict[str, Any]:
    raw = await read_body(request)
    body = parse_json_body(raw) if raw.strip() else {}
    if is_not_json(body) or not isinstance(body, dict):
        raise BadRequestError("Invalid JSON supplied in POST data")
    return body


async def list_services(request: web.Request) -> web.Response:
    services = await request.app[ADMIN_KEY].service_admin.services()
    return json_response({"services": [service_view(s) for s in services]})


async def create_service(request: web.Request) -> web.Response:
    service = await request.app[ADMIN_KEY].service_admin.create(await admin_body(request))
    return json_response({"data": service_view(service)}, status=201)


async def get_service(request: web.Request) -> web.Response:
    service = await request.app[ADMIN_KEY].service_admin.service(request.match_info["service_id"])
    return json_response({"data": service_view(service)})


async def update_service(request: web.Request) -> web.Response:
    admin = request.app[ADMIN_KEY].service_admin
    service = await admin.update(request.match_info["service_id"], await admin_body(request))
    return json_response({"data": service_view(service)})


async def list_team(request: web.Request) -> web.Response:
    service = await request.app[ADMIN_KEY].service_admin.service(request.match_info["service_id"])
    return json_response({"team": service_view(service)["team"]})


async def add_team_member(request: web.Request) -> web.Response:
    admin = request.app[ADMIN_KEY].service_admin
    service = await admin.add_team_member(
        request.match_info["service_id"], await admin_body(request)
    )
    return json_response({"team": service_view(service)["team"]}, status=201)


async def set_team_password(request: web.Request) -> web.Response:
    body = await admin_body(request)
    service = await request.app[ADMIN_KEY].service_admin.set_password(
        request.match_info["service_id"], request.match_info["email_address"], body.get("password")
    )
    return json_response({"team": service_view(service)["team"]})


async def remove_team_member(request: web.Request) -> web.Response:
    admin = request.app[ADMIN_KEY].service_admin
    service = await admin.remove_team_member(
        request.match_info["service_id"], request.match_info["email_address"]
    )
    return json_response({"team": service_view(service)["team"]})


async def list_guest_list(request: web.Request) -> web.Response:
    service = await request.app[ADMIN_KEY].service_admin.service(request.match_info["service_id"])
    return json_response({"guest_list": list(service.guest_list)})


async def add_guest(request: web.Request) -> web.Response:
    body = await admin_body(request)
    admin = request.app[ADMIN_KEY].service_admin
    service = await admin.add_guest(request.match_info["service_id"], body.get("recipient"))
    return json_response({"guest_list": list(service.guest_list)}, status=201)


async def remove_guest(request: web.Request) -> web.Response:
    admin = request.app[ADMIN_KEY].service_admin
    service = await admin.remove_guest(
        request.match_info["service_id"], request.match_info["recipient"]
    )
    return json_response({"guest_list": list(service.guest_list)})


async def create_template(request: web.Request) -> web.Response:
    admin = request.app[ADMIN_KEY].service_admin
    template = await admin.create_template(
        request.match_info["service_id"], await admin_body(request)
    )
    return json_response({"data": template_body(template)}, status=201)


async def update_template(request: web.Request) -> web.Response:
    admin = request.app[ADMIN_KEY].service_admin
    template = await admin.update_template(
        request.match_info["service_id"],
        request.match_info["template_id"],
        await admin_body(request),
    )
    return json_response({"data": template_body(template)})


async def archive_template(request: web.Request) -> web.Response:
    admin = request.app[ADMIN_KEY].service_admin
    template = await admin.update_template(
        request.match_info["service_id"], request.match_info["template_id"], {"archived": True}
    )
    return json_response({"data": template_body(template)})

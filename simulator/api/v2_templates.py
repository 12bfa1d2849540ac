"""/v2/template and /v2/templates (contract 3.7)."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from simulator.api.body_io import read_body
from simulator.api.json_io import is_not_json, json_response, parse_json_body
from simulator.api.keys import GATEWAY_KEY
from simulator.api.presenters import template_body
from simulator.api.v2_auth import authenticate, v2_query
from simulator.domain import email_render, sms, templating
from simulator.domain.errors import BadRequestError, ValidationError
from simulator.domain.models import NotificationType, Template

__all__ = ["get_template", "get_template_version", "get_templates", "post_template_preview"]


async def get_template(request: web.Request) -> web.Response:
    gateway = request.app[GATEWAY_KEY]
    principal = await authenticate(request)
    template_id = _checked_id(request)
    return json_response(template_body(await gateway.reads.template(principal, template_id)))


async def get_template_version(request: web.Request) -> web.Response:
    gateway = request.app[GATEWAY_KEY]
    principal = await authenticate(request)
    template_id = _checked_id(request)
    version = int(request.match_info["version"])
    template = await gateway.reads.template(principal, template_id, version)
    return json_response(template_body(template))


async def get_templates(request: web.Request) -> web.Response:
    gateway = request.app[GATEWAY_KEY]
    principal = await authenticate(request)
    query = v2_query(request)
    errors = gateway.schemas.validate_get_templates(query)
    if errors:
        raise ValidationError([e.message for e in errors])
    wanted = query.get("type", [None])[0]
    templates = await gateway.reads.templates(principal, wanted)
    return json_response({"templates": [template_body(t) for t in templates]})


async def post_template_preview(request: web.Request) -> web.Response:
    gateway = request.app[GATEWAY_KEY]
    principal = await authenticate(request)
    template_id = _checked_id(request)
    raw = await read_body(request)
    body = parse_json_body(raw) if raw.strip() else {}
    if is_not_json(body):
        raise BadRequestError(gateway.profile.messages.invalid_json)
    errors = gateway.schemas.validate_preview(body, template_id)
    if errors:
        raise ValidationError([e.message for e in errors])
    template = await gateway.reads.template(principal, template_id)
    personalisation = body.get("personalisation") or {}
    texts = (template.subject, template.body) if template.subject else (template.body,)
    missing = templating.missing_personalisation(personalisation, *texts)
    if missing:
        raise BadRequestError(
            gateway.profile.messages.missing_personalisation.format(
                names=", ".join(missing), template_id=template.id
            )
        )
    return json_response(_preview(template, personalisation, gateway.profile.language_blocks))


def _preview(
    template: Template, personalisation: Mapping[str, object], language_blocks: bool
) -> dict[str, object]:
    if template.type is NotificationType.SMS:
        body, html, subject = sms.render_sms_body(template.body, personalisation), None, None
    else:
        body = email_render.email_body(template.body, personalisation)
        subject = email_render.email_subject(
            template.subject or "",
            personalisation,
            escape_html=template.type is NotificationType.LETTER,
        )
        # a letter's preview has no html (LetterPrintTemplate has no html_body)
        html = (
            None
            if template.type is NotificationType.LETTER
            else email_render.email_html(
                template.body, personalisation, language_blocks=language_blocks
            )
        )
    return {
        "id": template.id,
        "type": template.type.value,
        "version": template.version,
        "body": body,
        "html": html,
        "subject": subject,
        "postage": template.postage,
    }


def _checked_id(request: web.Request) -> str:
    template_id = request.match_info["template_id"]
    errors = request.app[GATEWAY_KEY].schemas.validate_uuid_path("id", template_id)
    if errors:
        raise ValidationError([e.message for e in errors])
    return template_id

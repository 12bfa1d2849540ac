"""POST /v2/notifications/letter and GET /v2/notifications/{id}/pdf (contract 3.3)."""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web

from simulator.api.json_io import json_response
from simulator.api.keys import GATEWAY_KEY
from simulator.api.letter_presenters import post_letter_body, post_precompiled_letter_body
from simulator.api.v2_auth import authenticate, url_root
from simulator.domain.errors import BadRequestError, ValidationError
from simulator.gateway.principal import Principal

__all__ = ["get_letter_pdf", "post_letter"]


async def post_letter(request: web.Request, principal: Principal, body: Any) -> web.Response:
    """The caller took the rate and allowance, and gives them back if this raises."""
    letters = request.app[GATEWAY_KEY].letters
    assert letters is not None
    outcome = await letters.send(principal, body)
    if outcome.precompiled:
        return json_response(post_precompiled_letter_body(outcome.notification), status=201)
    return json_response(post_letter_body(outcome.notification, url_root(request)), status=201)


async def get_letter_pdf(request: web.Request) -> web.Response:
    gateway = request.app[GATEWAY_KEY]
    principal = await authenticate(request)
    notification_id = request.match_info["notification_id"]
    try:
        uuid.UUID(notification_id)
    except ValueError:
        raise ValidationError(["notification_id is not a valid UUID"]) from None
    notification = await gateway.reads.notification(principal, notification_id)
    letters = gateway.letters
    if letters is None:  # no letters in this profile: nothing can be a letter
        raise BadRequestError(gateway.profile.messages.not_a_letter)
    pdf = await letters.pdf(notification)
    return web.Response(body=pdf, content_type="application/pdf")

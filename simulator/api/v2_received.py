"""/v2/received-text-messages (contract 3.8)."""

from __future__ import annotations

from aiohttp import web

from simulator.api.json_io import json_response
from simulator.api.keys import GATEWAY_KEY
from simulator.api.presenters import received_text_body
from simulator.api.v2_auth import authenticate, url_root, v2_query
from simulator.domain.errors import ValidationError

__all__ = ["get_received_texts"]


async def get_received_texts(request: web.Request) -> web.Response:
    gateway = request.app[GATEWAY_KEY]
    principal = await authenticate(request)
    query = v2_query(request)
    errors = gateway.schemas.validate_get_received_texts(query)
    if errors:
        raise ValidationError([e.message for e in errors])
    older_than = query.get("older_than", [None])[0]
    found = await gateway.reads.received_texts(principal, older_than)
    current = f"{url_root(request)}v2/received-text-messages"
    links = {"current": current}
    if found:
        links["next"] = f"{current}?older_than={found[-1].id}"
    return json_response(
        {"received_text_messages": [received_text_body(r) for r in found], "links": links}
    )

"""The v2 authentication step, run by each v2 handler after routing succeeded."""

from __future__ import annotations

import structlog
from aiohttp import web

from simulator.api.keys import GATEWAY_KEY, PRINCIPAL_KEY
from simulator.gateway.auth import Principal

__all__ = ["authenticate", "url_root"]


async def authenticate(request: web.Request) -> Principal:
    gateway = request.app[GATEWAY_KEY]
    principal = await gateway.authenticator.authenticate(request.headers.get("Authorization"))
    request[PRINCIPAL_KEY] = principal
    structlog.contextvars.bind_contextvars(
        service_id=principal.service.id, key_type=principal.key.key_type.value
    )
    gateway.key_usage.touch(principal.key.id)
    return principal


def url_root(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}/"

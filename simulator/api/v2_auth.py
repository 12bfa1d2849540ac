"""The v2 authentication step, run by each v2 handler after routing succeeded."""

from __future__ import annotations

from urllib.parse import parse_qsl

from aiohttp import web

from simulator.api.keys import GATEWAY_KEY, PRINCIPAL_KEY, RATE_KEY
from simulator.api.log_context import bind_principal
from simulator.domain.ports import RateDecision
from simulator.gateway.auth import Principal

__all__ = ["authenticate", "remember_rate", "url_root", "v2_query", "v2_query_pairs"]


async def authenticate(request: web.Request, permission: str = "read") -> Principal:
    gateway = request.app[GATEWAY_KEY]
    principal = await gateway.authenticator.authenticate(
        request.headers.get("Authorization"),
        query_key=request.query.get("api_key"),
        permission=permission,
    )
    request[PRINCIPAL_KEY] = principal
    bind_principal(principal.service.id, principal.key.key_type.value)
    remember_rate(request, await gateway.key_limits.check(principal.key))
    # counted once admitted: the per-key figures match what the limits allowed
    gateway.key_usage.touch(principal.key.id)
    return principal


def remember_rate(request: web.Request, decision: RateDecision | None) -> None:
    """The decision whose figures go in this response's RateLimit-* headers."""
    if decision is not None:
        request[RATE_KEY] = decision


def v2_query(request: web.Request) -> dict[str, list[str]]:
    """The query as a multi-dict, without a key given as ?api_key= (never echoed in links)."""
    drop = "api_key" if request.app[GATEWAY_KEY].authenticator.accepts_query_keys else None
    return {key: request.query.getall(key) for key in request.query if key != drop}


def v2_query_pairs(request: web.Request) -> list[tuple[str, str]]:
    drop = "api_key" if request.app[GATEWAY_KEY].authenticator.accepts_query_keys else None
    return [(k, v) for k, v in parse_qsl(request.query_string, keep_blank_values=True) if k != drop]


def url_root(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}/"

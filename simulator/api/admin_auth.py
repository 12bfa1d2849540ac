"""The sandbox's own admin API is guarded by one bearer token, compared in constant time."""

from __future__ import annotations

import hmac

from aiohttp import web

from simulator.api.keys import GATEWAY_KEY
from simulator.api.request_log import note
from simulator.domain.errors import AuthError

__all__ = ["require_admin"]


def require_admin(request: web.Request) -> None:
    header = request.headers.get("Authorization", "")
    if not header:
        raise AuthError("Unauthorized: admin token must be provided", 401)
    scheme, _, token = header.partition(" ")
    expected = request.app[GATEWAY_KEY].admin_token
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        token.strip().encode(), expected.encode()
    ):
        raise AuthError("Invalid token: admin token not recognised", 403)
    note(key_type="admin")

"""/sandbox/v1: the sandbox's own admin API, a sub-application behind one admin middleware.

Every route of the sub-application needs the admin bearer token, compared in constant time;
a handler cannot forget it. An unknown URL or method under the prefix answers as any other
(Flask's route-level body, no credentials asked). The public routes that share the prefix
(receipts from providers, the OpenAPI documents) are sub-applications of their own.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web

from simulator.api.keys import ADMIN_KEY
from simulator.api.request_log import note
from simulator.domain.errors import AuthError

__all__ = ["ADMIN_PREFIX", "admin_app"]

ADMIN_PREFIX = "/sandbox/v1"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _check_admin_token(request: web.Request) -> None:
    header = request.headers.get("Authorization", "")
    if not header:
        raise AuthError("Unauthorized: admin token must be provided", 401)
    scheme, _, token = header.partition(" ")
    expected = request.app[ADMIN_KEY].admin_token
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        token.strip().encode(), expected.encode()
    ):
        raise AuthError("Invalid token: admin token not recognised", 403)
    note(key_type="admin")


@web.middleware
async def _admin_only(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.match_info.http_exception is None:  # a route matched: it is an admin route
        _check_admin_token(request)
    return await handler(request)


def admin_app(routes: Iterable[web.RouteDef]) -> web.Application:
    """The sub-application, its AdminGateway (ADMIN_KEY) set by the composition root."""
    app = web.Application(middlewares=[_admin_only])
    app.router.add_routes(routes)
    return app

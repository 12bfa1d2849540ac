"""The HTTP edge's cross-cutting concerns: request context, headers, error envelope."""

from __future__ import annotations

import random
import re
from collections.abc import Awaitable, Callable, Collection

import structlog
from aiohttp import web

from simulator.api.json_io import json_bytes, json_response
from simulator.api.keys import RATE_KEY, TRACE_KEY
from simulator.api.log_context import start_request
from simulator.api.request_log import note_error
from simulator.api.text_guard import readable_headers
from simulator.domain.errors import AuthError, NotifyError, RouteError
from simulator.domain.messages import Messages
from simulator.gateway.rate_headers import rate_headers

__all__ = ["edge", "response_headers"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
log = structlog.get_logger("simulator.api")

# Notify's API answers any origin; the sandbox's own admin API answers none unless allowed
_V2_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Content-Type,Authorization",
    "Access-Control-Allow-Methods": "GET,PUT,POST,DELETE",
}
_ADMIN_PREFIX = "/sandbox/"
_LEGACY_PREFIX = "/notifications"  # GC's v1 API
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Permitted-Cross-Domain-Policies": "none",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "Cache-Control": "no-store, no-cache, private, must-revalidate",
}


_RATE_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After")
_TRACE_ID = re.compile(r"[0-9A-Za-z-]{1,64}")


def _trace_header(request: web.Request, name: str) -> str | None:
    value = request.headers.get(name)
    # echo only well-formed ids: a header is hostile input
    return value if value and _TRACE_ID.fullmatch(value) else None


def response_headers(
    *, strict: bool, admin_origins: Collection[str] = ()
) -> Callable[[web.Request, web.StreamResponse], Awaitable[None]]:
    """on_response_prepare: every response, errors included, carries Notify's headers;
    RateLimit-* on limited routes, or none at all in strict mode.

    The admin routes carry CORS headers only for an origin in `admin_origins`.
    One signal, not two: it runs for every response.
    """
    allowed = frozenset(admin_origins)
    v2_headers = {**_SECURITY_HEADERS, **_V2_CORS}

    async def signal(request: web.Request, response: web.StreamResponse) -> None:
        headers = response.headers
        if not request.path.startswith(_ADMIN_PREFIX):
            headers.update(v2_headers)
        else:
            headers.update(_SECURITY_HEADERS)
            origin = request.headers.get("Origin")
            if origin is not None and origin in allowed:
                headers.update(_V2_CORS)
                headers["Access-Control-Allow-Methods"] = "GET,PUT,PATCH,POST,DELETE"
                headers["Access-Control-Allow-Origin"] = origin
                headers.add("Vary", "Origin")
        _trace_headers(request, response)
        if strict:
            for name in _RATE_HEADERS:
                headers.popall(name, None)
            return
        decision = request.get(RATE_KEY)
        if decision is not None and "RateLimit-Limit" not in headers:
            headers.update({k: v for k, v in rate_headers(decision).items() if k != "Retry-After"})

    return signal


def _trace_headers(request: web.Request, response: web.StreamResponse) -> None:
    trace_id, span_id = request.get(TRACE_KEY) or (
        f"{random.getrandbits(128):032x}",
        f"self-{random.getrandbits(64):016x}",
    )
    response.headers["X-B3-TraceId"] = trace_id
    response.headers["X-B3-SpanId"] = span_id


def _allow_header(methods: set[str]) -> str:
    ordered = []
    if "GET" in methods:
        ordered.append("HEAD")
    ordered.extend(m for m in ("POST", "GET", "PUT", "PATCH", "DELETE") if m in methods)
    ordered.append("OPTIONS")
    return ", ".join(ordered)


def edge(messages: Messages) -> Callable[..., Awaitable[web.StreamResponse]]:
    """The one middleware: tracing ids and log context, OPTIONS, readable headers, and
    every error as Notify's envelope. One, not a chain: each layer costs a call per request."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        # tracing ids, not secrets: a fast non-cryptographic source is enough
        trace_id = _trace_header(request, "X-B3-TraceId") or f"{random.getrandbits(128):032x}"
        span_id = _trace_header(request, "X-B3-SpanId") or f"self-{random.getrandbits(64):016x}"
        request[TRACE_KEY] = (trace_id, span_id)
        start_request(trace_id, request.method, request.path)
        routing_error = request.match_info.http_exception
        if request.method == "OPTIONS" and (
            routing_error is None or isinstance(routing_error, web.HTTPMethodNotAllowed)
        ):
            return _options_response(request, routing_error)
        try:
            return await handler(readable_headers(request))
        except NotifyError as error:
            # an auth text never quotes the token; other texts may quote what was sent
            note_error(error.error, error.message if isinstance(error, AuthError) else None)
            if _is_legacy(request.path):
                return _legacy_body(error)
            return _envelope(error)
        except RouteError as error:
            return _route_body(error.status_code, error.message, error.content_type, error.headers)
        except web.HTTPMethodNotAllowed as error:
            return _route_body(
                405,
                messages.method_not_allowed,
                "text/html; charset=utf-8",
                {"Allow": _allow_header(set(error.allowed_methods))},
            )
        except web.HTTPNotFound:
            return _route_body(404, messages.route_not_found, "application/json", {})
        except web.HTTPRequestEntityTooLarge:
            return _envelope(NotifyError("Request entity too large", status_code=413))
        except web.HTTPException:
            raise
        except ConnectionResetError:
            raise  # the client went away: request_log's info line, not a traceback
        except Exception as error:
            log.exception("unhandled_error", error_class=type(error).__name__)
            return json_response(
                {
                    "status_code": 500,
                    "errors": [{"error": type(error).__name__, "message": "Internal server error"}],
                },
                status=500,
            )

    return middleware


def _options_response(
    request: web.Request, routing_error: web.HTTPException | None
) -> web.StreamResponse:
    if isinstance(routing_error, web.HTTPMethodNotAllowed):
        methods = set(routing_error.allowed_methods)
    else:
        methods = {r.method for r in request.match_info.route.resource or () if r.method != "*"}
    return web.Response(
        status=200, body=b"", content_type="text/html", headers={"Allow": _allow_header(methods)}
    )


def _envelope(error: NotifyError) -> web.Response:
    payload: dict[str, object] = {"status_code": error.status_code} if error.status_in_body else {}
    payload["errors"] = [{"error": item.error, "message": item.message} for item in error.items]
    payload.update(error.extra)
    return json_response(payload, status=error.status_code, headers=error.headers or None)


def _is_legacy(path: str) -> bool:
    """GC's v1 routes (ca only): their blueprint answers its own body for every error."""
    return path == _LEGACY_PREFIX or path.startswith(_LEGACY_PREFIX + "/")


def _legacy_body(error: NotifyError) -> web.Response:
    payload = {"result": "error", "message": error.legacy_message}
    return json_response(payload, status=error.status_code, headers=error.headers or None)


def _route_body(
    status: int, message: str, content_type: str, headers: dict[str, str]
) -> web.Response:
    response = web.Response(
        status=status,
        body=json_bytes({"message": message, "result": "error"}),
        headers=headers or None,
    )
    response.headers["Content-Type"] = content_type
    return response

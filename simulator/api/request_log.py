"""One info line per request, as stripe-mock writes them: who asked what, and the answer.

Every request gets a ``request`` line: method, path (never the query, which may hold a key),
status, duration in ms, the key type (test, team or live) or ``admin``, and, when the
request was about one, the masked recipient and the notification id. A failed
authentication names its reason (Notify's text, which never quotes the token); any other
error names its class only, since messages can quote what was sent.

The handlers and the send path add their facts with `note`; the line is written when the
response is ready. A client that goes away mid-request is an info line too, not a traceback.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiohttp import web

from simulator.api.log_context import bind

__all__ = ["note", "note_error", "request_log"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
log = structlog.get_logger("simulator.request")

_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
# how the line names a key type: Notify's "normal" key is the one its docs call live
_KEY_TYPE_SHOWN = {"normal": "live", "team": "team", "test": "test", "admin": "admin"}


def note(**facts: Any) -> None:
    """Add facts to this request's line (and to any other line it logs)."""
    bind(**facts)


def note_error(error_class: str, reason: str | None = None) -> None:
    """The error a request ended in; `reason` only for texts that never quote the input."""
    if reason is None:
        bind(error=error_class)
    else:
        bind(error=error_class, reason=reason)


@web.middleware
async def request_log(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    try:
        response = await handler(request)
    except ConnectionResetError:
        _write("client_disconnected", request, started)
        # nobody is left to read it; aiohttp drops it quietly on the closed transport
        return web.Response(status=400)
    except web.HTTPException as error:
        _write("request", request, started, error.status)
        raise
    _write("request", request, started, response.status)
    return response


def _write(event: str, request: web.Request, started: float, status: int | None = None) -> None:
    if not log.is_enabled_for(logging.INFO):  # SANDBOX_LOG_LEVEL above info: nothing to make
        return
    facts = _common(request, started)
    if status is None:
        log.info(event, **facts)
    else:
        log.info(event, status=status, **facts)


def _common(request: web.Request, started: float) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "method": request.method,
        # as sent, still percent-encoded: a decoded path could carry a line break
        "path": request.rel_url.raw_path,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    bound = structlog.contextvars.get_contextvars()
    key_type = bound.get("key_type")
    if key_type is not None:
        facts["key_type"] = _KEY_TYPE_SHOWN.get(str(key_type), key_type)
    notification_id = request.match_info.get("notification_id", "")
    if "notification_id" not in bound and _UUID.fullmatch(notification_id):
        facts["notification_id"] = notification_id
    return facts

"""Requests aiohttp cannot parse: an envelope answer and a log line without the raw bytes.

aiohttp answers a malformed request with a text/plain 400 quoting the offending line, and
logs that line with its traceback: for ``Authorization: Bearer <JWT>\\x00`` that is the
whole token, outside the structured log. This handler answers in Notify's envelope and logs
only the error's class and status.
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from typing import Any

import structlog
from aiohttp import web
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

from simulator.api.json_io import json_bytes

__all__ = ["EnvelopeRequestHandler", "envelope_handler_for"]

log = structlog.get_logger("simulator.http")


class EnvelopeRequestHandler(RequestHandler):
    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        # neither `message` nor `exc` is logged: both quote the request's raw bytes
        log.warning(
            "unreadable_request",
            status=status,
            error_class=type(exc).__name__ if exc is not None else None,
        )
        if request.writer.output_size > 0:
            raise ConnectionError("Response is sent already, cannot send another one")
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
        body = {
            "status_code": status,
            "errors": [
                {
                    "error": "BadRequestError" if status < 500 else "InternalServerError",
                    "message": phrase or "Bad request",
                }
            ],
        }
        response = web.Response(status=status, body=json_bytes(body))
        response.headers["Content-Type"] = "application/json"
        response.force_close()
        return response


def envelope_handler_for(server: web.Server) -> EnvelopeRequestHandler:
    """What `server()` makes, with the envelope error handler (same settings)."""
    settings: dict[str, Any] = getattr(server, "_kwargs", {})
    return EnvelopeRequestHandler(server, loop=asyncio.get_running_loop(), **settings)

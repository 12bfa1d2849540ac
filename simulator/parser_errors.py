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


_TIMEOUT_BODY = json_bytes(
    {
        "status_code": 408,
        "errors": [{"error": "RequestTimeoutError", "message": "Request timed out"}],
    }
)
_REQUEST_TIMEOUT = (
    b"HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nConnection: close\r\n"
    b"Content-Length: " + str(len(_TIMEOUT_BODY)).encode() + b"\r\n\r\n" + _TIMEOUT_BODY
)


class EnvelopeRequestHandler(RequestHandler):
    """Also: a request whose headers never finish gets a 408 when the header time-out
    (aiohttp's keep-alive timer) closes it; an idle connection is simply closed."""

    __slots__ = ("_partial_head",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._partial_head = False

    def data_received(self, data: bytes) -> None:
        before = self._request_count
        super().data_received(data)
        if self._request_count != before:
            self._partial_head = False
        elif not getattr(self, "_request_in_progress", True):
            self._partial_head = True  # bytes of a request whose headers are not complete

    def _process_keepalive(self) -> None:
        waiter = getattr(self, "_waiter", None)
        due = self._loop.time() >= getattr(self, "_next_keepalive_close_time", float("inf"))
        waiting = waiter is not None and not waiter.done()
        if self._partial_head and due and waiting and self.transport is not None:
            self._partial_head = False
            log.info("request_header_timeout")
            self.transport.write(_REQUEST_TIMEOUT)
        super()._process_keepalive()

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

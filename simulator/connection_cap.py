"""A listening site that serves at most N connections at once.

aiohttp has no connection limit, so 500 idle sockets each hold a handler. Past the cap a
new connection gets a 503 in the envelope and is closed at once; the ones being served
are untouched. (Idle and slow-header connections are closed by the header time-out,
which aiohttp's keep-alive timer enforces from the moment a connection opens.)
"""

from __future__ import annotations

import asyncio
import socket
from typing import cast

from aiohttp import web
from aiohttp.web_runner import BaseSite

from simulator.api.json_io import json_bytes
from simulator.parser_errors import envelope_handler_for

__all__ = ["CappedSockSite"]

_BODY = json_bytes(
    {
        "status_code": 503,
        "errors": [
            {"error": "ServiceUnavailableError", "message": "Too many connections, try again"}
        ],
    }
)
_REFUSAL = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
    b"Retry-After: 1\r\nConnection: close\r\nContent-Length: "
    + str(len(_BODY)).encode()
    + b"\r\n\r\n"
    + _BODY
)


_LINGER_SECONDS = 2.0


class _Refuse(asyncio.Protocol):
    """Answers 503 and half-closes; closing outright with the request unread would reset
    the connection and lose the answer."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses: duck-typed
        stream = cast(asyncio.Transport, transport)
        stream.write(_REFUSAL)
        if stream.can_write_eof():
            stream.write_eof()
        asyncio.get_running_loop().call_later(_LINGER_SECONDS, stream.close)

    def data_received(self, data: bytes) -> None:
        """The request is read and dropped."""

    def eof_received(self) -> bool:
        return False  # the client is done too: close


class CappedSockSite(web.SockSite):
    def __init__(
        self,
        runner: web.AppRunner,
        sock: socket.socket,
        *,
        max_connections: int,
        shutdown_timeout: float = 60.0,
    ) -> None:
        super().__init__(runner, sock, shutdown_timeout=shutdown_timeout)
        self._max_connections = max_connections

    async def start(self) -> None:
        await BaseSite.start(self)  # registers the site with its runner, as SockSite does
        server = self._runner.server
        assert server is not None
        cap = self._max_connections

        def protocol() -> asyncio.BaseProtocol:
            if len(server.connections) >= cap:
                return _Refuse()
            return envelope_handler_for(server)

        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(protocol, sock=self._sock)

"""A lean keep-alive HTTP/1.1 client on asyncio.Protocol: one connection per worker.

The aiohttp client costs about as much CPU per request as a bare aiohttp server, so
on a two-core machine it cannot drive the ceiling app to its limit. This client
sends the same bytes a `requests`-based official client sends (same headers, same
fresh JWT) and reads Content-Length or chunked responses, nothing more.
"""

from __future__ import annotations

import asyncio
from typing import cast

__all__ = ["RawConnection", "parse_response"]


def _chunked(buffer: bytearray, start: int) -> tuple[bytes, int] | None:
    """(body, end) of a complete chunked body starting at `start`, or None if incomplete."""
    body = bytearray()
    position = start
    for _ in range(100_000):  # bounded: a chunk per iteration
        line_end = buffer.find(b"\r\n", position)
        if line_end < 0:
            return None
        size = int(bytes(buffer[position:line_end]).split(b";")[0], 16)
        chunk_start = line_end + 2
        if size == 0:
            trailer_end = buffer.find(b"\r\n\r\n", line_end)
            if trailer_end < 0:
                return None
            return bytes(body), trailer_end + 4
        if len(buffer) < chunk_start + size + 2:
            return None
        body += buffer[chunk_start : chunk_start + size]
        position = chunk_start + size + 2
    raise ValueError("too many chunks")


def parse_response(buffer: bytearray) -> tuple[int, bytes, bool, int] | None:
    """(status, body, keep_alive, consumed) of the first complete response, else None."""
    head_end = buffer.find(b"\r\n\r\n")
    if head_end < 0:
        return None
    head = bytes(buffer[:head_end]).lower()
    status = int(head[9:12])
    keep_alive = b"\r\nconnection: close" not in head
    marker = head.find(b"\r\ncontent-length:")
    if marker >= 0:
        value_end = head.find(b"\r\n", marker + 2)
        length = int(head[marker + 17 : value_end if value_end > 0 else None])
        end = head_end + 4 + length
        if len(buffer) < end:
            return None
        return status, bytes(buffer[head_end + 4 : end]), keep_alive, end
    if b"\r\ntransfer-encoding: chunked" in head:
        found = _chunked(buffer, head_end + 4)
        if found is None:
            return None
        body, end = found
        return status, body, keep_alive, end
    if status in (204, 304) or 100 <= status < 200:
        return status, b"", keep_alive, head_end + 4
    raise ValueError("response without a length")


class _Protocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[tuple[int, bytes, bool]] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses: duck-typed
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        waiter = self.waiter
        if waiter is None or waiter.done():
            return
        try:
            found = parse_response(self.buffer)
        except ValueError as error:
            waiter.set_exception(ConnectionError(f"bad response: {error}"))
            return
        if found is not None:
            status, body, keep_alive, consumed = found
            del self.buffer[:consumed]
            waiter.set_result((status, body, keep_alive))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("connection lost"))


def _expire(waiter: asyncio.Future[tuple[int, bytes, bool]]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError("no response in time"))


class RawConnection:
    """One keep-alive connection, reopened when the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._protocol: _Protocol | None = None
        self._host_header = f"{host}:{port}"

    async def _connect(self) -> _Protocol:
        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_connection(_Protocol, self.host, self.port)
        return protocol

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None, timeout: float
    ) -> tuple[int, bytes]:
        protocol = self._protocol
        if protocol is None or protocol.closed:
            protocol = self._protocol = await self._connect()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self._host_header}"]
        lines.extend(f"{name}: {value}" for name, value in headers.items())
        lines.append(f"Content-Length: {len(body) if body else 0}")
        payload = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")
        loop = asyncio.get_running_loop()
        waiter = protocol.waiter = loop.create_future()
        assert protocol.transport is not None
        protocol.transport.write(payload)
        timer = loop.call_later(timeout, _expire, waiter)
        try:
            status, data, keep_alive = await waiter
        except BaseException:
            self.close()
            raise
        finally:
            timer.cancel()
        if not keep_alive:
            self.close()
        return status, data

    def close(self) -> None:
        if self._protocol is not None and self._protocol.transport is not None:
            self._protocol.transport.close()
        self._protocol = None

"""A closed-loop asyncio load generator that signs a fresh JWT per request, and its stats.

The JWT is made exactly as notifications-python-client makes it: header
{"typ": "JWT", "alg": "HS256"}, claims {"iss": service_id, "iat": int(time.time())},
HS256 with the key's secret (the last 36 characters of the key string).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import math
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import jwt

from bench.rawhttp import RawConnection

__all__ = [
    "CLIENTS",
    "ApiKey",
    "LoadStats",
    "Request",
    "percentile",
    "run_load",
    "sign",
]

_JWT_HEADERS = {"typ": "JWT", "alg": "HS256"}
_TIMEOUT = 30.0
CLIENTS = ("aiohttp", "raw")
# what notifications-python-client (requests) sends, less the per-request Authorization
_BASE_HEADERS = {
    "User-Agent": "NOTIFY-API-PYTHON-CLIENT/bench",
    "Accept-Encoding": "gzip, deflate",
    "Accept": "*/*",
    "Connection": "keep-alive",
    "Content-type": "application/json",
}
_HARD_CAP = 50_000_000  # no run ever sends more than this, whatever the duration


@dataclass(frozen=True, slots=True)
class ApiKey:
    service_id: str
    secret: str

    @classmethod
    def from_key_string(cls, key: str) -> ApiKey:
        # "{name}-{service_id}-{secret}": both UUIDs are 36 characters
        return cls(service_id=key[-73:-37], secret=key[-36:])


def sign(key: ApiKey, token_id: str | None = None) -> str:
    """The official clients' token; with token_id also a `jti`, so no two tokens are alike."""
    claims: dict[str, Any] = {"iss": key.service_id, "iat": int(time.time())}
    if token_id is not None:
        claims["jti"] = token_id
    return jwt.encode(claims, key.secret, algorithm="HS256", headers=_JWT_HEADERS)


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    key: ApiKey
    body: bytes | None = None
    # a token no earlier request used (a `jti` claim): the server's token cache cannot help
    token_id: str | None = None


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (0.0 when empty)."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class LoadStats:
    """What one run measured. Only requests started and finished inside the window count."""

    window_seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    sent_total: int = 0  # warm-up and tails included
    ok_total: int = 0  # 2xx, warm-up and tails included
    client_cpu_seconds: float = 0.0
    client_wall_seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if not status.startswith("2"))

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        window = self.window_seconds or 1e-9
        wall = self.client_wall_seconds or 1e-9
        return {
            "requests": self.requests,
            "window_seconds": round(self.window_seconds, 3),
            "rps": round(self.requests / window, 1),
            "p50_ms": round(percentile(ordered, 0.50) * 1000, 3),
            "p99_ms": round(percentile(ordered, 0.99) * 1000, 3),
            "max_ms": round((ordered[-1] if ordered else 0.0) * 1000, 3),
            "errors": self.errors,
            "statuses": dict(sorted(self.statuses.items())),
            "sent_total": self.sent_total,
            "client_cpu_util": round(self.client_cpu_seconds / wall, 3),
        }


Hook = Callable[[], None]
OnResponse = Callable[[int, bytes], None]


async def _at(when: float, hook: Hook | None) -> None:
    delay = when - time.perf_counter()
    if delay > 0:
        await asyncio.sleep(delay)
    if hook is not None:
        hook()


Sender = Callable[[Request, dict[str, str]], Awaitable[tuple[int, bytes]]]


@contextlib.asynccontextmanager
async def _senders(
    client: str, base_urls: list[str], concurrency: int
) -> AsyncIterator[Callable[[], Sender]]:
    """A factory of per-worker send functions; the workers take the servers in turn."""
    turn = itertools.count()
    if client == "raw":
        connections: list[RawConnection] = []

        def raw_sender() -> Sender:
            url = urlsplit(base_urls[next(turn) % len(base_urls)])
            connection = RawConnection(url.hostname or "127.0.0.1", url.port or 80)
            connections.append(connection)

            async def send(request: Request, headers: dict[str, str]) -> tuple[int, bytes]:
                return await connection.request(
                    request.method, request.path, headers, request.body, _TIMEOUT
                )

            return send

        try:
            yield raw_sender
        finally:
            for connection in connections:
                connection.close()
        return
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    timeout = aiohttp.ClientTimeout(total=_TIMEOUT)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        def aiohttp_sender() -> Sender:
            base = base_urls[next(turn) % len(base_urls)]

            async def send(request: Request, headers: dict[str, str]) -> tuple[int, bytes]:
                async with session.request(
                    request.method, base + request.path, data=request.body, headers=headers
                ) as response:
                    return response.status, await response.read()

            return send

        yield aiohttp_sender


async def run_load(
    base_url: str | list[str],
    make_request: Callable[[int], Request],
    *,
    concurrency: int,
    duration: float,
    warmup: float = 1.0,
    max_requests: int | None = None,
    on_response: OnResponse | None = None,
    on_window_start: Hook | None = None,
    on_window_end: Hook | None = None,
    stats: LoadStats | None = None,
    client: str = "aiohttp",
) -> LoadStats:
    """Run `concurrency` closed-loop workers for warmup + duration seconds (or max_requests).

    client: "aiohttp" (an aiohttp.ClientSession, TCPConnector limit = concurrency) or
    "raw" (bench.rawhttp, one keep-alive connection per worker). Several base URLs
    (replicas) share the workers in turn.
    """
    if client not in CLIENTS:
        raise ValueError(f"client must be one of {CLIENTS}")
    stats = stats if stats is not None else LoadStats()
    cap = min(max_requests if max_requests is not None else _HARD_CAP, _HARD_CAP)
    counter = itertools.count()
    cpu_started, wall_started = time.process_time(), time.perf_counter()
    window_from = wall_started + warmup
    stop_at = window_from + duration
    window_end = stop_at
    base_headers = _BASE_HEADERS

    async def worker(send: Sender) -> None:
        while True:
            index = next(counter)
            if index >= cap or time.perf_counter() >= stop_at:
                return
            request = make_request(index)
            token = sign(request.key, request.token_id)
            headers = {**base_headers, "Authorization": f"Bearer {token}"}
            body = b""
            started = time.perf_counter()
            try:
                code, body = await send(request, headers)
                status = str(code)
            except (aiohttp.ClientError, OSError, TimeoutError) as error:
                status = f"exc:{type(error).__name__}"
            finished = time.perf_counter()
            stats.sent_total += 1
            if status[0] == "2":
                stats.ok_total += 1
            if started >= window_from and finished <= stop_at:
                stats.latencies.append(finished - started)
                stats.statuses[status] += 1
            if on_response is not None and status[0].isdigit():
                on_response(int(status), body)

    base_urls = [base_url] if isinstance(base_url, str) else base_url
    async with _senders(client, base_urls, concurrency) as new_sender:
        start_timer = asyncio.create_task(_at(window_from, on_window_start))
        end_timer = asyncio.create_task(_at(stop_at, on_window_end))
        await asyncio.gather(*(worker(new_sender()) for _ in range(concurrency)))
        if not start_timer.done():  # ended inside the warm-up: an empty window
            start_timer.cancel()
            if on_window_start is not None:
                on_window_start()
        if not end_timer.done():  # finished early (max_requests): close the window now
            end_timer.cancel()
            window_end = time.perf_counter()
            if on_window_end is not None:
                on_window_end()
    stats.window_seconds = max(0.0, min(window_end, stop_at) - window_from)
    stats.client_cpu_seconds = time.process_time() - cpu_started
    stats.client_wall_seconds = time.perf_counter() - wall_started
    return stats

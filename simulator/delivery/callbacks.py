"""Sending queued callbacks: POST with the service's bearer token, retry, give up.

Rules (contract 8.2): a 5 s timeout; retry on connection errors, timeouts, 5xx and
429; no retry on any other 4xx. The queue is in the database, so a restart
resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import httpx
import structlog

from simulator.delivery.callback_target import (
    PinnedTarget,
    Resolver,
    TargetRefused,
    TargetUnresolved,
    pin_target,
    system_resolver,
)
from simulator.delivery.polling import PollingLoop
from simulator.domain.callback_health import HEALTH_CHECK_PAYLOAD
from simulator.domain.callbacks import AddressGuard, retry_delay
from simulator.domain.clock import Clock
from simulator.domain.ports import CallbackStore, DueCallback
from simulator.gateway.callback_health import CallbackHealth
from simulator.gateway.directory import ServiceDirectory

__all__ = ["CallbackSender"]

log = structlog.get_logger("simulator.callbacks")

_LEASE = timedelta(seconds=60)
_MAX_IN_FLIGHT = 64


class CallbackSender:
    def __init__(
        self,
        *,
        store: CallbackStore,
        directory: ServiceDirectory,
        clock: Clock,
        schedule: Sequence[float],
        guard: AddressGuard | None = None,
        timeout: float = 5.0,
        poll_seconds: float = 0.5,
        resolver: Resolver = system_resolver,
        health: CallbackHealth | None = None,
    ) -> None:
        self._health = health
        self._store = store
        self._directory = directory
        self._clock = clock
        self._schedule = tuple(schedule)
        self._guard = guard or AddressGuard()
        self._resolver = resolver
        self._timeout = timeout
        self._loop = PollingLoop("callbacks", self.run_once, poll_seconds=poll_seconds)
        self._client: httpx.AsyncClient | None = None
        self._in_flight: set[asyncio.Task[None]] = set()
        self.sent = 0

    @property
    def guard(self) -> AddressGuard:
        return self._guard

    def notify_due(self) -> None:
        self._loop.wake()

    def start(self) -> None:
        # redirects are not followed: a redirect could lead anywhere, SSRF checks included
        self._client = httpx.AsyncClient(timeout=self._timeout, follow_redirects=False)
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()
        for task in self._in_flight:
            task.cancel()
        await self.drain()
        if self._client is not None:
            await self._client.aclose()

    async def run_once(self) -> bool:
        """Start every due callback; a slow receiver holds up only its own."""
        now = self._clock.now()
        free = _MAX_IN_FLIGHT - len(self._in_flight)
        if free <= 0:
            return False
        due = await self._store.claim_due(now, now + _LEASE, min(100, free))
        for callback in due:
            task = asyncio.get_running_loop().create_task(self._deliver_logged(callback))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        return len(due) >= min(100, free)

    async def drain(self) -> None:
        """Wait for the callbacks already started (tests and shutdown)."""
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def _deliver_logged(self, callback: DueCallback) -> None:
        try:
            await self._deliver(callback)
        except Exception:
            # the claim lapses and the callback is tried again later
            log.exception("callback_delivery_crashed", callback_id=callback.id)
        finally:
            self._loop.wake()

    async def _deliver(self, callback: DueCallback) -> None:
        entry = await self._directory.entry(callback.service_id)
        settings = entry.service.callbacks.get(callback.kind) if entry else None
        if settings is None:
            await self._finish(callback, "cancelled", None, "no callback configured any more")
            return
        try:
            target = await pin_target(settings["url"], self._guard, self._resolver)
            response = await self._post(target, settings["bearer_token"], callback)
        except TargetRefused as refused:
            await self._finish(callback, "failed", None, str(refused))
            await self._failed(callback)
            return
        except TargetUnresolved as error:
            await self._retry_or_fail(callback, str(error))
            await self._failed(callback)
            return
        except httpx.HTTPError as error:
            await self._retry_or_fail(callback, f"{type(error).__name__}")
            await self._failed(callback)
            return
        if response.is_success:
            self.sent += 1
            await self._finish(callback, "delivered", None, None)
            return
        if response.status_code >= 500 or response.status_code == 429:
            await self._retry_or_fail(callback, f"HTTP {response.status_code}")
        else:
            await self._finish(callback, "failed", None, f"HTTP {response.status_code}")
        await self._failed(callback)

    async def _failed(self, callback: DueCallback) -> None:
        """Every failed attempt counts towards GC's suspension (25 in 5 minutes)."""
        if self._health is not None:
            await self._health.failed(callback.service_id, callback.kind)

    def check_health_soon(self, service_id: str, kind: str, url: str, token: str) -> None:
        """GC's health-check ping, sent in the background (callbacks set up or changed)."""

        async def ping() -> None:
            await self.check_health(service_id, kind, url, token)

        task = asyncio.get_running_loop().create_task(ping())
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def check_health(
        self, service_id: str, kind: str, url: str, token: str
    ) -> dict[str, Any]:
        """POST ``{"health_check": "true"}`` once, without retries; what happened, how fast."""
        started = time.monotonic()
        result: dict[str, Any] = {"status_code": None, "error": None}
        try:
            target = await pin_target(url, self._guard, self._resolver)
            response = await self._send(target, token, HEALTH_CHECK_PAYLOAD)
            result["status_code"] = response.status_code
        except (TargetRefused, TargetUnresolved) as error:
            result["error"] = str(error)
        except httpx.HTTPError as error:
            result["error"] = type(error).__name__
        status = result["status_code"]
        result["ok"] = status is not None and 200 <= status < 300
        result["response_time_ms"] = round((time.monotonic() - started) * 1000, 1)
        result["checked_at"] = self._clock.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        if self._health is not None:
            self._health.record_check(service_id, kind, result)
        log.info("callback_health_check", service_id=service_id, kind=kind, ok=result["ok"])
        return result

    async def _post(
        self, target: PinnedTarget, token: str, callback: DueCallback
    ) -> httpx.Response:
        return await self._send(target, token, callback.payload)

    async def _send(
        self, target: PinnedTarget, token: str, payload: dict[str, Any]
    ) -> httpx.Response:
        assert self._client is not None
        extensions = {"sni_hostname": target.sni_hostname} if target.sni_hostname else None
        return await self._client.post(
            target.url,
            json=payload,
            headers={
                "Host": target.host_header,
                "Content-Type": "application/json",
                "Authorization": f"Bearer {token}",
            },
            extensions=extensions,
        )

    async def _retry_or_fail(self, callback: DueCallback, error: str) -> None:
        delay = retry_delay(self._schedule, callback.attempts)
        if delay is None:
            await self._finish(callback, "failed", None, error)
            return
        at = self._clock.now() + timedelta(seconds=delay)
        await self._finish(callback, "retrying", at, error)
        log.info("callback_retry", callback_id=callback.id, attempts=callback.attempts, error=error)

    async def _finish(
        self, callback: DueCallback, status: str, next_at: datetime | None, error: str | None
    ) -> None:
        await self._store.finish(
            callback.id, status=status, next_attempt_at=next_at, error=error, at=self._clock.now()
        )
        log.info("callback_" + status, callback_id=callback.id, kind=callback.kind)

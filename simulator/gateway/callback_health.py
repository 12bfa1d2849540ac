"""Callback health per service: failures counted in a sliding window, suspension, checks.

Counting happens on the sandbox clock; the failed attempts still in the window and the
suspension are both stored with the service's callback settings, so a restart keeps
the count and the suspension, and every replica honours the suspension (each replica
counts the attempts it made, on top of what it read back at its first failure).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from simulator.domain.callback_health import (
    FAILED_AT,
    SUSPENDED,
    SUSPENDED_AT,
    SuspensionRules,
    failures_text,
    is_suspended,
    read_failures,
)
from simulator.domain.clock import Clock
from simulator.domain.models import Service

__all__ = ["CallbackHealth", "ServiceSaver"]

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class ServiceSaver(Protocol):
    async def get_service(self, service_id: str) -> Service | None: ...
    async def save_service(self, service: Service) -> None: ...


class CallbackHealth:
    def __init__(
        self,
        *,
        rules: SuspensionRules | None,
        store: ServiceSaver,
        clock: Clock,
        on_change: Callable[[str], None],
    ) -> None:
        self.rules = rules  # None: the profile never suspends (GOV.UK)
        self._store = store
        self._clock = clock
        self._on_change = on_change
        self._failures: dict[tuple[str, str], deque[datetime]] = {}
        self._checks: dict[tuple[str, str], dict[str, Any]] = {}

    def recent_failures(self, service: Service, kind: str) -> int:
        if self.rules is None or kind not in self.rules.kinds:
            return 0
        window = self._window(service, kind)
        self._expire(window)
        return len(window)

    async def failed(self, service_id: str, kind: str) -> None:
        """One failed attempt, stored; the one that reaches the threshold suspends."""
        rules = self.rules
        if rules is None or kind not in rules.kinds:
            return
        service = await self._store.get_service(service_id)
        if service is None or kind not in service.callbacks:
            return
        window = self._window(service, kind)
        window.append(self._clock.now())
        self._expire(window)
        if len(window) >= rules.failures:
            window.clear()
            await self.set_suspended(service_id, kind, True, only_if_changed=True)
            return
        settings = {**service.callbacks[kind], FAILED_AT: failures_text(window)}
        # no directory refresh: only this use case reads the count
        await self._store.save_service(
            replace(service, callbacks={**service.callbacks, kind: settings})
        )

    def _window(self, service: Service, kind: str) -> deque[datetime]:
        """This process's count, read back from the settings at first use (after a restart)."""
        key = (service.id, kind)
        if key not in self._failures:
            self._failures[key] = deque(read_failures(service.callbacks.get(kind)))
        return self._failures[key]

    async def set_suspended(
        self, service_id: str, kind: str, suspend: bool, *, only_if_changed: bool = False
    ) -> Service | None:
        """GC's suspend_unsuspend: both stamp ``suspended_at``; a resume starts a new count."""
        service = await self._store.get_service(service_id)
        if service is None or kind not in service.callbacks:
            return None
        settings = service.callbacks[kind]
        if only_if_changed and is_suspended(settings) == suspend:
            return service
        stamped = {
            **{k: v for k, v in settings.items() if k != FAILED_AT},  # a new count starts
            SUSPENDED: "true" if suspend else "false",
            SUSPENDED_AT: self._clock.now().strftime(_TIME_FORMAT),
        }
        updated = replace(service, callbacks={**service.callbacks, kind: stamped})
        await self._store.save_service(updated)
        self._on_change(service_id)
        self._failures.pop((service_id, kind), None)
        return updated

    def record_check(self, service_id: str, kind: str, result: dict[str, Any]) -> None:
        self._checks[(service_id, kind)] = result

    def view(self, service: Service, kind: str) -> dict[str, Any]:
        """What the admin and inspection routes show about one callback's health."""
        settings = service.callbacks.get(kind, {})
        rules = self.rules or SuspensionRules(failures=0, window_seconds=0, kinds=())
        return {
            "is_suspended": is_suspended(settings),
            "suspended_at": settings.get(SUSPENDED_AT),
            "recent_failures": self.recent_failures(service, kind),
            "suspends_after": rules.failures if kind in rules.kinds else None,
            "window_seconds": rules.window_seconds if kind in rules.kinds else None,
            "last_health_check": self._checks.get((service.id, kind)),
        }

    def _expire(self, window: deque[datetime]) -> None:
        assert self.rules is not None
        floor = self._clock.now() - timedelta(seconds=self.rules.window_seconds)
        while window and window[0] <= floor:
            window.popleft()

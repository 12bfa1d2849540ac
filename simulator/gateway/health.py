"""What GET /_status and GET /metrics tell: each fact read where it is kept, when asked.

Nothing on the request path pays for metrics: the counters live with what they count (the
send use case, the worker, the callback sender, the limiter, the store).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from simulator.domain.ports import Limiter, StoreStats

__all__ = ["Counters", "SandboxHealth", "Status"]


@dataclass(frozen=True, slots=True)
class Status:
    profile: str
    db_version: str | None
    limits_backend: str  # "memory" or "redis"


@dataclass(frozen=True, slots=True)
class Counters:
    notifications_created: int
    timeline_steps: int
    callbacks_delivered: int
    # sends refused or let through because the shared limiter was unreachable
    limiter_unavailable: int
    store_backend: str  # "sqlite" or "postgresql"
    store_commits: int
    store_writes: int


class SandboxHealth:
    def __init__(
        self,
        *,
        profile: str,
        store: StoreStats,
        limiter: Limiter,
        notifications_created: Callable[[], int],
        timeline_steps: Callable[[], int],
        callbacks_delivered: Callable[[], int],
    ) -> None:
        self._profile = profile
        self._store = store
        self._limiter = limiter
        self._created = notifications_created
        self._steps = timeline_steps
        self._delivered = callbacks_delivered

    def status(self) -> Status:
        return Status(self._profile, self._store.schema_version, self._limiter.backend)

    def counters(self) -> Counters:
        store = self._store
        return Counters(
            notifications_created=self._created(),
            timeline_steps=self._steps(),
            callbacks_delivered=self._delivered(),
            limiter_unavailable=self._limiter.unavailable_count,
            store_backend=store.backend,
            store_commits=store.commits,
            store_writes=store.writes,
        )

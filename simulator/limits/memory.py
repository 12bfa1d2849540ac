"""In-process rate buckets and daily counters: the embedded default.

One event loop means each method runs without interleaving, so check-and-take
is atomic without locks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from simulator.domain.allowances import is_year_period
from simulator.domain.ports import RateDecision, Reservation

__all__ = ["InMemoryLimiter"]


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class InMemoryLimiter:
    backend = "memory"
    # nothing shared to be unreachable
    unavailable_count = 0

    def __init__(self) -> None:
        self._buckets: dict[str, _Bucket] = {}
        self._counts: dict[tuple[str, str, str], int] = {}
        self._day: str | None = None

    async def take_token(
        self, bucket: str, *, per_minute: int, capacity: int, now: float
    ) -> RateDecision:
        rate = per_minute / 60.0
        state = self._buckets.get(bucket)
        if state is None:
            state = self._buckets[bucket] = _Bucket(float(capacity), now)
        elapsed = max(0.0, now - state.updated)
        state.tokens = min(float(capacity), state.tokens + elapsed * rate)
        state.updated = now
        if state.tokens >= 1.0:
            state.tokens -= 1.0
            return RateDecision(
                True, per_minute, int(state.tokens), 0.0, (capacity - state.tokens) / rate
            )
        wait = (1.0 - state.tokens) / rate if rate > 0 else 60.0
        return RateDecision(False, per_minute, 0, wait, (capacity - state.tokens) / rate)

    async def reserve(
        self,
        service_id: str,
        day: str,
        limits: Sequence[tuple[str, int]],
        *,
        ttl_seconds: int = 90_000,
        count: int = 1,
    ) -> Reservation | tuple[str, int]:
        del ttl_seconds  # counters live as long as the process
        if day != self._day and not is_year_period(day):  # GC's fiscal years are kept
            self._forget_other_days(day)
        for channel, limit in limits:
            if self._counts.get((service_id, day, channel), 0) + count > limit:
                return channel, limit
        for channel, _ in limits:
            key = (service_id, day, channel)
            self._counts[key] = self._counts.get(key, 0) + count
        return Reservation(service_id, day, tuple(channel for channel, _ in limits), count)

    async def release(self, reservation: Reservation) -> None:
        for channel in reservation.channels:
            key = (reservation.service_id, reservation.day, channel)
            self._counts[key] = max(0, self._counts.get(key, 0) - reservation.count)

    def _forget_other_days(self, day: str) -> None:
        # memory stays bounded by one day's counters however long the sandbox runs
        self._day = day
        self._counts = {
            key: n for key, n in self._counts.items() if key[1] == day or is_year_period(key[1])
        }

    def snapshot(self, scope_prefix: str) -> list[tuple[str, str, str, int]]:
        """Counters whose scope starts with the prefix, for saving with the data."""
        return [
            (scope, day, name, count)
            for (scope, day, name), count in self._counts.items()
            if scope.startswith(scope_prefix)
        ]

    async def seed(self, service_id: str, day: str, counts: dict[str, int]) -> None:
        """Restore today's counts after a restart (rebuilt from stored notifications)."""
        for channel, count in counts.items():
            key = (service_id, day, channel)
            self._counts[key] = max(self._counts.get(key, 0), count)

    async def close(self) -> None:
        return None

    async def usage(self, service_id: str, day: str) -> dict[str, int]:
        return {
            channel: count
            for (sid, d, channel), count in self._counts.items()
            if sid == service_id and d == day
        }

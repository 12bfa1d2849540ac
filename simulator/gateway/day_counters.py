"""Daily counters across a restart: allowances rebuilt from sends, per-key ones from snapshots.

Allowance counts (sends per channel today) are rebuilt from the stored notifications.
Per-key request counts and the per-key daily limits cannot be, so they are snapshotted
every few seconds and read back at start-up. A shared limiter (Redis) keeps its own
counters and snapshots none.
"""

from __future__ import annotations

from simulator.domain.clock import Clock
from simulator.domain.ports import CounterStore, Limiter
from simulator.gateway.key_usage import KeyUsage

__all__ = ["DayCounters"]


class DayCounters:
    def __init__(
        self, *, store: CounterStore, limiter: Limiter, key_usage: KeyUsage, clock: Clock
    ) -> None:
        self._store = store
        self._limiter = limiter
        self._key_usage = key_usage
        self._clock = clock

    async def restore_allowances(self) -> None:
        """Today's allowance counts, rebuilt from the stored notifications."""
        now = self._clock.now()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        day = now.strftime("%Y-%m-%d")
        per_service: dict[str, dict[str, int]] = {}
        for service_id, channel, international, count in await self._store.counts_since(midnight):
            counts = per_service.setdefault(service_id, {})
            counts[channel] = counts.get(channel, 0) + count
            counts["total"] = counts.get("total", 0) + count
            if international and channel == "sms":
                counts["international_sms"] = counts.get("international_sms", 0) + count
        for service_id, counts in per_service.items():
            await self._limiter.seed(service_id, day, counts)

    async def restore_snapshots(self) -> None:
        """Per-key counters from today's snapshots."""
        day = self._clock.now().strftime("%Y-%m-%d")
        requests: dict[str, int] = {}
        for scope, _, name, count in await self._store.load_day_counters(day):
            if scope.startswith("requests-"):
                requests[scope.removeprefix("requests-")] = count
            elif scope.startswith("key-"):
                await self._limiter.seed(scope, day, {name: count})
        self._key_usage.seed_day(day, requests)

    async def save(self) -> None:
        rows = self._key_usage.day_snapshot() + self._limiter.snapshot("key-")
        if rows:
            await self._store.save_day_counters(rows)

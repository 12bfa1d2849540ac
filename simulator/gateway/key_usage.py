"""Last-use times of API keys, kept in memory and written in batches.

A database write per request would cost more than the request itself.
"""

from __future__ import annotations

from datetime import date, datetime

from simulator.domain.clock import Clock
from simulator.domain.ports import DirectoryStore
from simulator.domain.time_text import day_text

__all__ = ["KeyUsage"]


class KeyUsage:
    def __init__(self, store: DirectoryStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._pending: dict[str, datetime] = {}
        self._requests: dict[str, int] = {}
        self._today: dict[str, int] = {}  # requests per key on `_day`
        self._day = ""
        self._date: date | None = None  # `_day` as a date: cheaper to compare than to format

    def touch(self, key_id: str) -> None:
        now = self._clock.now()
        self._pending[key_id] = now
        self._requests[key_id] = self._requests.get(key_id, 0) + 1
        if now.date() != self._date:
            self._start_day(day_text(now))
        self._today[key_id] = self._today.get(key_id, 0) + 1

    def _start_day(self, day: str) -> None:
        self._day, self._today = day, {}
        self._date = date.fromisoformat(day)

    def requests_today(self, key_id: str) -> int:
        if day_text(self._clock.now()) != self._day:
            return 0
        return self._today.get(key_id, 0)

    def day_snapshot(self) -> list[tuple[str, str, str, int]]:
        return [(f"requests-{k}", self._day, "requests", n) for k, n in self._today.items()]

    def seed_day(self, day: str, counts: dict[str, int]) -> None:
        if day != self._day:
            self._start_day(day)
        for key_id, count in counts.items():
            self._today[key_id] = max(self._today.get(key_id, 0), count)

    def last_used(self, key_id: str) -> datetime | None:
        return self._pending.get(key_id)

    def unflushed_requests(self, key_id: str) -> int:
        return self._requests.get(key_id, 0)

    async def flush(self) -> int:
        if not self._pending:
            return 0
        # keep the figures visible until the write lands, then drop only what it covered
        batch, counts = dict(self._pending), dict(self._requests)
        await self._store.touch_keys(batch, counts)
        for key_id, at in batch.items():
            if self._pending.get(key_id) is at:
                del self._pending[key_id]
        for key_id, count in counts.items():
            left = self._requests.get(key_id, 0) - count
            if left > 0:
                self._requests[key_id] = left
            else:
                self._requests.pop(key_id, None)
        return len(batch)

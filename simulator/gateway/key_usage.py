"""Last-use times of API keys, kept in memory and written in batches.

A database write per request would cost more than the request itself.
"""

from __future__ import annotations

from datetime import datetime

from simulator.domain.clock import Clock
from simulator.domain.ports import DirectoryStore

__all__ = ["KeyUsage"]


class KeyUsage:
    def __init__(self, store: DirectoryStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._pending: dict[str, datetime] = {}
        self._requests: dict[str, int] = {}

    def touch(self, key_id: str) -> None:
        self._pending[key_id] = self._clock.now()
        self._requests[key_id] = self._requests.get(key_id, 0) + 1

    def last_used(self, key_id: str) -> datetime | None:
        return self._pending.get(key_id)

    def unflushed_requests(self, key_id: str) -> int:
        return self._requests.get(key_id, 0)

    async def flush(self) -> int:
        if not self._pending:
            return 0
        batch, self._pending = self._pending, {}
        counts, self._requests = self._requests, {}
        await self._store.touch_keys(batch, counts)
        return len(batch)

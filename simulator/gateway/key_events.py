"""Key activity recorded off the request path; a failed write only costs a log line."""

from __future__ import annotations

import asyncio

import structlog

from simulator.domain.clock import Clock
from simulator.domain.models import ApiKey
from simulator.domain.ports import DirectoryStore

__all__ = ["KeyEventWriter"]

log = structlog.get_logger("simulator.keys")


class KeyEventWriter:
    def __init__(self, store: DirectoryStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._tasks: set[asyncio.Task[None]] = set()

    def __call__(self, key: ApiKey, event: str, detail: str) -> None:
        task = asyncio.get_running_loop().create_task(self._write(key, event, detail))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _write(self, key: ApiKey, event: str, detail: str) -> None:
        try:
            await self._store.add_key_event(
                key.id, key.service_id, event, detail, self._clock.now()
            )
        except Exception:
            log.exception("key_event_write_failed", event=event)

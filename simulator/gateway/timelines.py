"""Timelines stored once (domain/timeline.py) meet the two events that need a write.

Such a timeline is written at send time and derived from the clock when read, so nothing
happens at its moments. Two events change that:
- a delivery-status callback is set for the service: the steps still to come owe one,
  so those rows go to the worker, which queues each callback with its step;
- the clock moves back: what had already been seen by then must stay, so the rows that
  changed in between are written as they were (in flight ones go to the worker).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from simulator.domain.clock import Clock
from simulator.domain.ports import NotificationStore

__all__ = ["StoredTimelines"]


class StoredTimelines:
    def __init__(
        self,
        *,
        store: NotificationStore,
        clock: Clock,
        span: timedelta,
        on_scheduled: Callable[[datetime], None],
    ) -> None:
        """``span``: the longest a stored timeline runs past its creation (planned_span)."""
        self._store = store
        self._clock = clock
        self._span = span
        self._on_scheduled = on_scheduled

    async def callbacks_set(self, service_id: str) -> None:
        now = self._clock.now()
        if await self._store.work_stepwise(service_id, now - self._span):
            self._on_scheduled(now)

    async def clock_moved(self, before: datetime) -> None:
        """Called once the clock has moved; ``before``: the time it showed until then."""
        after = self._clock.now()
        if after < before and await self._store.freeze_rewound(before, after - self._span):
            self._on_scheduled(after)

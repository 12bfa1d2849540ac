"""Moving the sandbox's business clock, and telling everyone who plans by it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from simulator.domain.clock import SandboxClock
from simulator.gateway.timelines import StoredTimelines

__all__ = ["ClockControl"]


class ClockControl:
    """The clock the admin API moves. After each move, timelines stored once keep what
    had been seen if it went back (before the move is answered), then `on_moved` runs:
    cached entries are re-read, and timelines, scheduled jobs and callback retries now
    due run at once."""

    def __init__(
        self, clock: SandboxClock, on_moved: Callable[[], None], timelines: StoredTimelines
    ) -> None:
        self._clock = clock
        self._on_moved = on_moved
        self._timelines = timelines

    def now(self) -> datetime:
        return self._clock.now()

    @property
    def offset(self) -> timedelta:
        return self._clock.offset

    async def advance(self, step: timedelta) -> None:
        before = self._clock.now()
        self._clock.advance(step)
        await self._moved(before)

    async def set(self, moment: datetime) -> None:
        before = self._clock.now()
        self._clock.set(moment)
        await self._moved(before)

    async def reset(self) -> None:
        before = self._clock.now()
        self._clock.reset()
        await self._moved(before)

    async def _moved(self, before: datetime) -> None:
        await self._timelines.clock_moved(before)
        self._on_moved()

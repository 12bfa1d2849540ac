"""Moving the sandbox's business clock, and telling everyone who plans by it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from simulator.domain.clock import SandboxClock

__all__ = ["ClockControl"]


class ClockControl:
    """The clock the admin API moves. After each move `on_moved` runs: cached entries are
    re-read, and timelines, scheduled jobs and callback retries now due run at once."""

    def __init__(self, clock: SandboxClock, on_moved: Callable[[], None]) -> None:
        self._clock = clock
        self._on_moved = on_moved

    def now(self) -> datetime:
        return self._clock.now()

    @property
    def offset(self) -> timedelta:
        return self._clock.offset

    def advance(self, step: timedelta) -> None:
        self._clock.advance(step)
        self._on_moved()

    def set(self, moment: datetime) -> None:
        self._clock.set(moment)
        self._on_moved()

    def reset(self) -> None:
        self._clock.reset()
        self._on_moved()

"""The one injectable clock.

Business time (timelines, retention, allowances, key expiry) reads this clock so
tests and the time-control API can move it. JWT ``iat`` checks use wall time.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "SandboxClock", "utc_from_micros", "utc_micros"]


class Clock(Protocol):
    def now(self) -> datetime: ...


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def utc_micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICRO


def utc_from_micros(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


class SandboxClock:
    """Wall time plus a movable offset; `unique_now` never repeats a value."""

    __slots__ = ("_last", "_offset", "_pinned")

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._pinned: datetime | None = None
        self._last = 0

    def now(self) -> datetime:
        if self._pinned is not None:
            return self._pinned
        return datetime.fromtimestamp(time.time(), UTC) + self._offset

    def unique_now(self) -> datetime:
        # strictly increasing timestamps keep `older_than` pagination exact
        moment = self.now()
        micros = utc_micros(moment)
        if micros <= self._last:
            micros = self._last + 1
            moment = utc_from_micros(micros)
        self._last = micros
        return moment

    def advance(self, delta: timedelta) -> None:
        if self._pinned is not None:
            self._pinned += delta
        else:
            self._offset += delta

    def set(self, moment: datetime) -> None:
        self._pinned = None
        self._offset = moment - datetime.fromtimestamp(time.time(), UTC)
        self._last = 0  # time may move back on purpose: stamp with the new time at once

    def reset(self) -> None:
        self._offset = timedelta(0)
        self._pinned = None
        self._last = 0

    @property
    def is_wall_time(self) -> bool:
        """Not moved: what a restart would come back to."""
        return self._pinned is None and not self._offset

    @property
    def offset(self) -> timedelta:
        return self._offset

"""A change feed: 'something changed, look again', and when the next step is due.

Long-polling readers wait on it; the delivery worker subscribes to hear when a commit
made something due, so it need not wait for its next poll, and when a timeline stored
once will change with nothing written (it wakes the readers then).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from datetime import datetime

from simulator.domain.models import Notification
from simulator.domain.timeline import planned_moments

__all__ = ["ChangeFeed"]


class ChangeFeed:
    def __init__(self) -> None:
        self._event = asyncio.Event()
        self._due_listeners: list[Callable[[datetime], None]] = []
        self._change_listeners: list[Callable[[Sequence[datetime]], None]] = []

    def subscribe_due(self, listener: Callable[[datetime], None]) -> None:
        """Call ``listener(at)`` whenever a change makes something due at ``at``."""
        self._due_listeners.append(listener)

    def subscribe_changes(self, listener: Callable[[Sequence[datetime]], None]) -> None:
        """Call ``listener(moments)`` with the moments stored timelines change unwritten."""
        self._change_listeners.append(listener)

    def stored(self, notifications: Sequence[Notification]) -> None:
        """New notifications are committed: readers look again; the worker hears when the
        first step of those it works is due, and when those stored once will change."""
        due = [n.next_action_at or n.created_at for n in notifications if not n.in_flight_status]
        self.publish(min(due) if due else None)
        moments = [at for n in notifications for at in planned_moments(n)]
        if moments:
            for listener in self._change_listeners:
                listener(moments)

    def publish(self, due_at: datetime | None = None) -> None:
        # wake everyone waiting now; later waiters get a fresh event
        self._event.set()
        self._event = asyncio.Event()
        if due_at is not None:
            for listener in self._due_listeners:
                listener(due_at)

    async def wait(self, timeout: float) -> None:
        await self.changed(timeout)

    async def changed(self, timeout: float) -> bool:
        """Whether something changed within the timeout (False: it passed quietly)."""
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)
        return event.is_set()

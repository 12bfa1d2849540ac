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

__all__ = ["ChangeFeed"]


class ChangeFeed:
    def __init__(self) -> None:
        self._event = asyncio.Event()
        self._due_listeners: list[Callable[[datetime], None]] = []
        self._change_listeners: list[Callable[[datetime], None]] = []

    def subscribe_due(self, listener: Callable[[datetime], None]) -> None:
        """Call ``listener(at)`` whenever a change makes something due at ``at``."""
        self._due_listeners.append(listener)

    def subscribe_changes(self, listener: Callable[[datetime], None]) -> None:
        """Call ``listener(until)`` when stored timelines change unwritten until then."""
        self._change_listeners.append(listener)

    def stored(self, notifications: Sequence[Notification]) -> None:
        """New notifications are committed: readers look again; the worker hears when the
        first step of those it works is due, and until when those stored once change."""
        due: datetime | None = None
        until: datetime | None = None
        for n in notifications:
            if n.in_flight_status is None:
                at = n.next_action_at or n.created_at
                due = at if due is None or at < due else due
            elif n.updated_at is not None and (until is None or n.updated_at > until):
                until = n.updated_at  # its completion: the last planned moment
        self.publish(due)
        if until is not None:
            for listener in self._change_listeners:
                listener(until)

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

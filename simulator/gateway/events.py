"""A change feed: 'something changed, look again', and when the next step is due.

Long-polling readers wait on it; the delivery worker subscribes to hear when a commit
made something due, so it need not wait for its next poll.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime

__all__ = ["ChangeFeed"]


class ChangeFeed:
    def __init__(self) -> None:
        self._event = asyncio.Event()
        self._due_listeners: list[Callable[[datetime], None]] = []

    def subscribe_due(self, listener: Callable[[datetime], None]) -> None:
        """Call ``listener(at)`` whenever a change makes something due at ``at``."""
        self._due_listeners.append(listener)

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

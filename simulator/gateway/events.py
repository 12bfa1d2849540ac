"""A change feed for long-polling readers: 'something changed, look again'."""

from __future__ import annotations

import asyncio
import contextlib

__all__ = ["ChangeFeed"]


class ChangeFeed:
    def __init__(self) -> None:
        self._event = asyncio.Event()

    def publish(self) -> None:
        # wake everyone waiting now; later waiters get a fresh event
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        await self.changed(timeout)

    async def changed(self, timeout: float) -> bool:
        """Whether something changed within the timeout (False: it passed quietly)."""
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)
        return event.is_set()

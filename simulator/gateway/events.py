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
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout)

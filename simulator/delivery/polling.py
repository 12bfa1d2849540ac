"""The one wake/poll/stop loop behind the delivery worker, the job runner and callbacks.

Each of them has a ``run_once`` that does what is due now and says whether more may be
waiting. The loop calls it again at once while it says so; otherwise it sleeps until the
next poll (other replicas' work is only seen by polling) or until ``wake`` is called
(this process committed something due), whichever comes first. A failed round is
logged and the loop carries on: the state is in the store, so the next round retries.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import structlog

__all__ = ["PollingLoop"]

log = structlog.get_logger("simulator.delivery")


class PollingLoop:
    def __init__(
        self,
        name: str,
        run_once: Callable[[], Awaitable[bool]],
        *,
        poll_seconds: float,
        wait_seconds: Callable[[float], float] | None = None,
    ) -> None:
        """``wait_seconds(poll)`` may shorten a sleep (the worker: until the next due step)."""
        self._name = name
        self._run_once = run_once
        self._poll = poll_seconds
        self._wait_seconds = wait_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name=self._name)

    async def stop(self) -> None:
        """Cancel the loop and wait until it has stopped; idempotent."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                busy = await self._run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("polling_round_failed", loop=self._name)
                busy = False
            if not busy:
                await self._sleep()

    async def _sleep(self) -> None:
        timeout = self._poll if self._wait_seconds is None else self._wait_seconds(self._poll)
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)

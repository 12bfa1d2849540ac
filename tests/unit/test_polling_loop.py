"""The one polling loop: again at once while busy, else at the next poll or on wake."""

from __future__ import annotations

import asyncio

from simulator.delivery.polling import PollingLoop


async def test_a_busy_round_is_followed_at_once_then_the_loop_waits_for_a_wake() -> None:
    rounds: list[int] = []
    idle = asyncio.Event()

    async def run_once() -> bool:
        rounds.append(len(rounds))
        busy = len(rounds) < 3  # two busy rounds, then idle
        if not busy:
            idle.set()
        return busy

    loop = PollingLoop("test", run_once, poll_seconds=3600)
    loop.start()
    await asyncio.wait_for(idle.wait(), 5)
    assert rounds == [0, 1, 2]
    idle.clear()
    loop.wake()  # an hour's poll, so only the wake can bring the next round
    await asyncio.wait_for(idle.wait(), 5)
    assert rounds == [0, 1, 2, 3]
    await loop.stop()
    await loop.stop()  # idempotent


async def test_a_failed_round_is_logged_and_the_loop_carries_on() -> None:
    calls = 0
    recovered = asyncio.Event()

    async def run_once() -> bool:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("the store is away")
        recovered.set()
        return False

    loop = PollingLoop("test", run_once, poll_seconds=0.01)
    loop.start()
    await asyncio.wait_for(recovered.wait(), 5)
    await loop.stop()
    assert calls >= 2


async def test_wait_seconds_shortens_the_sleep() -> None:
    seen: list[float] = []
    second = asyncio.Event()

    async def run_once() -> bool:
        if len(seen) == 1:
            second.set()
        return False

    def wait_seconds(poll: float) -> float:
        seen.append(poll)
        return 0.0  # something is due now

    loop = PollingLoop("test", run_once, poll_seconds=3600, wait_seconds=wait_seconds)
    loop.start()
    await asyncio.wait_for(second.wait(), 5)
    await loop.stop()
    assert seen[0] == 3600

"""The delivery worker: moves due notifications along their timelines.

All its state is in the store (status, next_action_at, attempts), so a restart,
or a second replica, simply picks up whatever is due. Every step is a
compare-and-set, so no step happens twice.

Timelines stored once (domain/timeline.py) are never due: nothing is written when
they change. The worker only wakes the change feed's readers at those moments
(``announce``), so live views refresh as they would after a step.
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

import structlog

from simulator.config import SimulatorTiming
from simulator.delivery.polling import PollingLoop
from simulator.delivery.simulated import next_simulated_step
from simulator.domain.clock import Clock
from simulator.domain.models import KeyType, Notification, Status
from simulator.domain.ports import NotificationStore, Transition
from simulator.domain.simulation import SimulationRules
from simulator.gateway.callback_planner import CallbackPlanner

__all__ = ["DeliveryWorker"]

log = structlog.get_logger("simulator.worker")

# how long a replica holds due rows it claimed (PostgreSQL): if it dies, they are late by
# at most this much; every step it applies sets the row's next moment anew
_STEP_LEASE_SECONDS = 10.0
# planned changes are announced on this grain (rounded up): consecutive sends share one
_BEAT = timedelta(seconds=0.25)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Dispatch = Callable[[Notification], Awaitable[None]]


class DeliveryWorker:
    def __init__(
        self,
        *,
        store: NotificationStore,
        clock: Clock,
        timing: SimulatorTiming,
        rules: SimulationRules,
        dispatch: Dispatch,
        poll_seconds: float = 0.5,
        batch_size: int = 500,
        max_in_flight: int = 64,
        lease_seconds: float = 120.0,
        max_claims: int = 5,
        callbacks: CallbackPlanner,
        on_callback_queued: Callable[[], None] = lambda: None,
        on_changed: Callable[[], None] = lambda: None,
        sms_in_flight: Status | None = None,
    ) -> None:
        self._sms_in_flight = sms_in_flight
        self._callbacks = callbacks
        self._on_changed = on_changed
        self._on_callback_queued = on_callback_queued
        self._lease = lease_seconds
        self._max_claims = max_claims
        self._store = store
        self._clock = clock
        self._timing = timing
        self._rules = rules
        self._dispatch = dispatch
        self._batch = batch_size
        self._next_hint: datetime | None = None
        self._beats: list[datetime] = []  # a heap of moments to announce
        self._beat_set: set[datetime] = set()  # the same, for a quick "already there?"
        self._loop = PollingLoop(
            "delivery-worker", self.run_once, poll_seconds=poll_seconds, wait_seconds=self._wait
        )
        self._slots = asyncio.Semaphore(max_in_flight)
        self._in_flight: set[asyncio.Task[None]] = set()
        self._dispatching: set[str] = set()
        self.steps = 0

    def notify_due(self, at: datetime) -> None:
        """Called after a commit: something new is due at `at`."""
        if self._next_hint is None or at < self._next_hint:
            self._next_hint = at
            self._loop.wake()

    def announce(self, moments: Sequence[datetime]) -> None:
        """Wake the change feed's readers at these moments, when a timeline stored once
        changes with nothing written. Kept in memory only: after a restart a reader
        sees the change at its next look, as the data is all in the row."""
        for at in moments:
            beat = _EPOCH + -((_EPOCH - at) // _BEAT) * _BEAT  # rounded up to the grain
            if beat not in self._beat_set:
                self._beat_set.add(beat)
                heapq.heappush(self._beats, beat)

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    def _wait(self, poll: float) -> float:
        """Sleep no longer than until the next step or announcement this process knows of."""
        soonest = [at for at in (self._next_hint, self._beats[0] if self._beats else None) if at]
        if not soonest:
            return poll
        gap = (min(soonest) - self._clock.now()).total_seconds()
        return max(0.0, min(poll, gap))

    def _announce_due(self, now: datetime) -> None:
        if self._beats and self._beats[0] <= now:
            while self._beats and self._beats[0] <= now:
                self._beat_set.discard(heapq.heappop(self._beats))
            self._on_changed()

    async def run_once(self) -> bool:
        """Apply every due step; True when a full batch suggests more is waiting."""
        now = self._clock.now()
        self._next_hint = None
        self._announce_due(now)
        due = await self._store.claim_due_notifications(
            now, now + timedelta(seconds=_STEP_LEASE_SECONDS), self._batch
        )
        transitions: list[Transition] = []
        claimed: list[Notification] = []
        for n in due:
            if n.key_type is not KeyType.TEST and n.status is Status.CREATED:
                if n.attempts >= self._max_claims:
                    transitions.append(await self._callbacks.attach(n, self._give_up(n, now)))
                elif n.id not in self._dispatching:
                    transitions.append(self._claim(n, now))
                    claimed.append(n)
                continue
            outcome = self._rules.outcome_for(n.type, n.to)
            step = next_simulated_step(
                n, outcome, self._timing, now, sms_in_flight=self._sms_in_flight
            )
            if step is not None:
                transitions.append(await self._callbacks.attach(n, step))
        if transitions:
            results = await self._store.apply_transitions(transitions)
            self._on_changed()
            if any(t.callback for t, ok in zip(transitions, results, strict=True) if ok):
                self._on_callback_queued()
            self.steps += sum(results)
            for t, applied in zip(transitions, results, strict=True):
                if applied and t.next_action_at is not None and t.attempts_delta == 0:
                    self.notify_due(t.next_action_at)
            claims = {t.notification_id for t, ok in zip(transitions, results, strict=True) if ok}
            for n in claimed:
                if n.id in claims:
                    n.attempts += 1
                    self._start_dispatch(n)
        return len(due) >= self._batch

    def _give_up(self, n: Notification, now: datetime) -> Transition:
        # claimed again and again without an answer: stop, as Notify would after retries
        return Transition(
            n.id,
            Status.CREATED,
            Status.TECHNICAL_FAILURE,
            now,
            detail=f"no provider answer after {n.attempts} claims",
            expected_attempts=n.attempts,
        )

    def _claim(self, n: Notification, now: datetime) -> Transition:
        # a lease: if this process dies mid-send, the row is due again once it lapses
        return Transition(
            n.id,
            Status.CREATED,
            Status.CREATED,
            now,
            next_action_at=now + timedelta(seconds=self._lease),
            attempts_delta=1,
            expected_attempts=n.attempts,
        )

    def _start_dispatch(self, n: Notification) -> None:
        self._dispatching.add(n.id)
        task = asyncio.get_running_loop().create_task(self._guarded_dispatch(n))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def _guarded_dispatch(self, n: Notification) -> None:
        try:
            async with self._slots:
                await self._dispatch(n)
        except Exception:
            log.exception("dispatch_failed", notification_id=n.id)
        finally:
            self._dispatching.discard(n.id)
            self._loop.wake()

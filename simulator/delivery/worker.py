"""The delivery worker: moves due notifications along their timelines.

All its state is in the store (status, next_action_at, attempts), so a restart,
or a second replica, simply picks up whatever is due. Every step is a
compare-and-set, so no step happens twice.

Timelines stored once (domain/timeline.py) are never due: nothing is written when
they change. While any of them is still changing, each pass of the worker wakes the
change feed's readers (``announce``), so live views refresh as they would after a step.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

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
        # the last moment a timeline stored once changes at (nothing written then)
        self._changing_until: datetime | None = None
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

    def announce(self, until: datetime) -> None:
        """Timelines stored once change, with nothing written, until ``until``: until then
        every pass wakes the change feed's readers (at most a poll after each change).
        Kept in memory only: after a restart a reader sees a change at its next look,
        as the whole timeline is in the row."""
        if self._changing_until is None or until > self._changing_until:
            self._changing_until = until

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    def _wait(self, poll: float) -> float:
        """Sleep no longer than until the next step this process knows is due."""
        if self._next_hint is None:
            return poll
        gap = (self._next_hint - self._clock.now()).total_seconds()
        return max(0.0, min(poll, gap))

    def _announce(self, now: datetime) -> None:
        if self._changing_until is not None:
            self._on_changed()
            if self._changing_until <= now:  # this pass saw the last change
                self._changing_until = None

    async def run_once(self) -> bool:
        """Apply every due step; True when a full batch suggests more is waiting."""
        now = self._clock.now()
        self._next_hint = None
        self._announce(now)
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

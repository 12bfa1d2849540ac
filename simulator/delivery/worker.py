"""The delivery worker: moves due notifications along their timelines.

All its state is in the store (status, next_action_at, attempts), so a restart,
or a second replica, simply picks up whatever is due. Every step is a
compare-and-set, so no step happens twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import structlog

from simulator.config import SimulatorTiming
from simulator.delivery.polling import PollingLoop
from simulator.delivery.simulated import next_simulated_step, special_recipients
from simulator.domain.clock import Clock
from simulator.domain.models import KeyType, Notification, Status
from simulator.domain.ports import NotificationStore, SimulatedHandOff, Transition
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
        self._special = special_recipients(rules)
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

    async def run_once(self) -> bool:
        """Apply every due step; True when a full batch suggests more is waiting."""
        now = self._clock.now()
        self._next_hint = None
        await self._finish_simulated(now)
        await self._hand_off_simulated(now)
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

    async def _finish_simulated(self, now: datetime) -> int:
        """The bulk path for final simulated steps that owe no callback."""
        skip = await self._callbacks.services_with_callbacks()
        finished = await self._store.finish_simulated(now, skip)
        if finished:
            self.steps += finished
            self._on_changed()
        return finished

    async def _hand_off_simulated(self, now: datetime) -> int:
        """The bulk path for plain simulated hand-offs that owe no callback (issue 16):
        one statement instead of a read, a Python step and an UPDATE per row."""
        if self._special is None:
            return 0
        deliver_at = now + timedelta(seconds=self._timing.delivery_delay)
        plan = SimulatedHandOff(
            at=now,
            deliver_at=deliver_at,
            skip_services=await self._callbacks.services_with_callbacks(),
            special_sms_suffixes=self._special[0],
            special_emails=self._special[1],
            sms_in_flight=self._sms_in_flight,
        )
        moved = await self._store.hand_off_simulated(plan)
        if moved:
            self.steps += moved
            self._on_changed()
            self.notify_due(deliver_at)
        return moved

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

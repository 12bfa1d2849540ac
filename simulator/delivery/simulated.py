"""Next steps of a simulated timeline taken one by one: created -> sending (or sent) -> final.

Only timelines the planner did not store once come here (domain/timeline.py says which).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from simulator.config import SimulatorTiming
from simulator.domain.models import KeyType, Notification, Status
from simulator.domain.ports import Transition
from simulator.domain.simulation import MagicOutcome
from simulator.domain.timeline import in_flight_status

__all__ = ["next_simulated_step"]


def next_simulated_step(
    n: Notification,
    outcome: MagicOutcome,
    timing: SimulatorTiming,
    now: datetime,
    *,
    sms_in_flight: Status | None = None,
) -> Transition | None:
    """``sms_in_flight``: the status every SMS shows once handed off (GC: sent)."""
    if n.status is Status.PENDING_VIRUS_CHECK:
        return _after_virus_scan(n, now)
    if n.status is Status.CREATED:
        return _hand_off(n, outcome, timing, now, sms_in_flight)
    if n.status in (Status.SENDING, Status.SENT, Status.PENDING):
        final = n.planned_status or outcome.status
        if final is n.status:  # e.g. a provider receipt already set it
            return Transition(n.id, n.status, n.status, now, next_action_at=None)
        return Transition(n.id, n.status, final, now, next_action_at=None)
    # anything else is already final: just clear the schedule
    return Transition(n.id, n.status, n.status, n.updated_at or now, next_action_at=None)


def _hand_off(
    n: Notification,
    outcome: MagicOutcome,
    timing: SimulatorTiming,
    now: datetime,
    sms_in_flight: Status | None,
) -> Transition:
    in_flight = in_flight_status(n, sms_in_flight)
    if not outcome.terminal:
        # the "stays pending" recipient: hand off, then park in its status for good
        return Transition(n.id, Status.CREATED, outcome.status, now, set_sent_at=True)
    delay = timing.delivery_delay + outcome.extra_delay
    return Transition(
        n.id,
        Status.CREATED,
        in_flight,
        now,
        next_action_at=now + timedelta(seconds=delay),
        set_sent_at=True,
    )


def _after_virus_scan(n: Notification, now: datetime) -> Transition:
    """A precompiled letter, scanned: test keys end at once (as Notify's sanitise task marks
    them delivered); other keys go on to the print outbox unless a failure was planned."""
    if n.key_type is KeyType.TEST or n.planned_status not in (None, Status.DELIVERED):
        final = n.planned_status or Status.DELIVERED
        return Transition(n.id, n.status, final, now, next_action_at=None)
    return Transition(n.id, n.status, Status.CREATED, now, next_action_at=now)

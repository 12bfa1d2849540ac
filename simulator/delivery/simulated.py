"""Next steps of a simulated timeline: created -> sending (or sent) -> final."""

from __future__ import annotations

from datetime import datetime, timedelta

from simulator.config import SimulatorTiming
from simulator.domain.models import KeyType, Notification, NotificationType, Status
from simulator.domain.ports import Transition
from simulator.domain.simulation import MagicOutcome, SimulationRules

__all__ = ["next_simulated_step", "special_recipients"]


def special_recipients(rules: SimulationRules) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(SMS suffixes, emails) whose timeline is not plain: a delay before the final status,
    or none at all. None when even the default outcome is not plain (no bulk hand-off)."""
    if _special(rules.default):
        return None
    return (
        tuple(suffix for suffix, outcome in rules.sms_suffixes if _special(outcome)),
        tuple(email for email, outcome in rules.emails.items() if _special(outcome)),
    )


def _special(outcome: MagicOutcome) -> bool:
    return not outcome.terminal or outcome.extra_delay != 0


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
    in_flight = (
        Status.SENT if n.type is NotificationType.SMS and n.international else Status.SENDING
    )
    if sms_in_flight is not None and n.type is NotificationType.SMS:
        in_flight = sms_in_flight
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

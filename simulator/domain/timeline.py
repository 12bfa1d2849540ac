"""The one timeline planner: where a new notification goes first, for single and bulk sends.

Test keys follow the simulator (the recipient's magic outcome, or an injected fault's
status); other keys are handed to a provider as soon as they are due. A scheduled
notification waits in ``created`` until its time. With immediate timing (no delays) a
test-key send whose outcome is final and undelayed is stored already final.

A plain simulated timeline is known whole at send time, so it is stored once (issue 16):
its planned ``sent_at``, its completion (``updated_at``), the status it shows in between
(``in_flight_status``) and its final status. Nothing writes it again; its status is
derived from the clock when it is read (``storage/timelines.py``). Only a timeline where
something must happen at a moment goes step by step through the worker: a fault, a
scheduled time, a delivery-status callback owed, or a clock moved away from wall time
(a restart puts the clock back, and a step already taken must not be undone).
"""

from __future__ import annotations

from datetime import timedelta

from simulator.domain.faults import FaultRule
from simulator.domain.models import KeyType, Notification, NotificationType, Service, Status
from simulator.domain.simulation import MagicOutcome, SimulationRules

__all__ = [
    "in_flight_status",
    "may_store_once",
    "plan_timeline",
    "planned_span",
]

_LETTER = NotificationType.LETTER  # letters have their own lane (gateway/letters.py)


def plan_timeline(
    notification: Notification,
    *,
    simulation: SimulationRules,
    sending_delay: float,
    immediate: bool,
    forced: FaultRule | None = None,
    delivery_delay: float = 0.0,
    store_once: bool = False,
    sms_in_flight: Status | None = None,
) -> None:
    """Set the notification's planned status, first step time, or final status at once.

    ``store_once``: the caller allows the whole timeline to be stored now (no callback
    is owed and the clock is wall time); ``sms_in_flight``: the status every SMS shows
    once handed off (GC: sent).
    """
    now = notification.created_at
    start = max(now, notification.scheduled_for or now)
    forced_status = None
    if forced is not None:
        forced_status = forced.status or Status.TECHNICAL_FAILURE
        notification.planned_status = forced_status
        notification.status_detail = f"fault injected: {forced.effect} ({forced.id})"
    if notification.key_type is not KeyType.TEST:
        notification.next_action_at = start
        return
    outcome = simulation.outcome_for(notification.type, notification.to)
    if forced_status is not None:
        outcome = MagicOutcome(forced_status, terminal=forced_status is not Status.PENDING)
    notification.planned_status = outcome.status
    if immediate and outcome.extra_delay == 0 and outcome.terminal and start == now:
        notification.status = outcome.status
        notification.sent_at = notification.updated_at = now
        return
    if store_once and forced is None and start == now and notification.type is not _LETTER:
        _store_once(notification, outcome, sending_delay, delivery_delay, sms_in_flight)
        return
    notification.next_action_at = start + timedelta(seconds=sending_delay)


def may_store_once(service: Service, *, wall_clock: bool) -> bool:
    """Whether the service's new test-key timelines may be stored once: no delivery-status
    callback is set (even a suspended one, which may be lifted before the final status),
    and the clock is wall time."""
    return wall_clock and "delivery_status" not in service.callbacks


def _store_once(
    n: Notification,
    outcome: MagicOutcome,
    sending_delay: float,
    delivery_delay: float,
    sms_in_flight: Status | None,
) -> None:
    n.sent_at = n.created_at + timedelta(seconds=sending_delay)
    if not outcome.terminal:
        # the "stays pending" recipient: handed off, then in its status for good
        n.updated_at = n.sent_at
        n.in_flight_status = outcome.status
        return
    n.updated_at = n.sent_at + timedelta(seconds=delivery_delay + outcome.extra_delay)
    n.in_flight_status = in_flight_status(n, sms_in_flight)


def in_flight_status(n: Notification, sms_in_flight: Status | None) -> Status:
    """What a simulated notification shows once handed off, until its final status."""
    if n.type is NotificationType.SMS:
        if sms_in_flight is not None:
            return sms_in_flight
        if n.international:
            return Status.SENT
    return Status.SENDING


def planned_span(
    simulation: SimulationRules, sending_delay: float, delivery_delay: float
) -> timedelta:
    """The longest a timeline stored once runs past its creation: every planned moment
    lies within this of ``created_at`` (so a query can bound its scan by creation)."""
    outcomes = (
        simulation.default,
        *(outcome for _, outcome in simulation.sms_suffixes),
        *simulation.emails.values(),
    )
    extra = max(outcome.extra_delay for outcome in outcomes)
    return timedelta(seconds=sending_delay + delivery_delay + extra)

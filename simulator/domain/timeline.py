"""The one timeline planner: where a new notification goes first, for single and bulk sends.

Test keys follow the simulator (the recipient's magic outcome, or an injected fault's
status); other keys are handed to a provider as soon as they are due. A scheduled
notification waits in ``created`` until its time. With immediate timing (no delays) a
test-key send whose outcome is final and undelayed is stored already final.
"""

from __future__ import annotations

from datetime import timedelta

from simulator.domain.faults import FaultRule
from simulator.domain.models import KeyType, Notification, Status
from simulator.domain.simulation import MagicOutcome, SimulationRules

__all__ = ["plan_timeline"]


def plan_timeline(
    notification: Notification,
    *,
    simulation: SimulationRules,
    sending_delay: float,
    immediate: bool,
    forced: FaultRule | None = None,
) -> None:
    """Set the notification's planned status, first step time, or final status at once."""
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
    notification.next_action_at = start + timedelta(seconds=sending_delay)

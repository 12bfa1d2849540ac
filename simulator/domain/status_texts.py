"""GC's words about a status: ``status_description`` and ``provider_response`` (contract 6.2)."""

from __future__ import annotations

from collections.abc import Mapping

from simulator.domain.models import FINAL_STATUSES, KeyType, Notification, Status
from simulator.domain.phone_network import CARRIER_BLOCKED
from simulator.domain.simulation import SimulationRules

__all__ = ["provider_response", "status_description"]


def status_description(
    n: Notification, descriptions: Mapping[str, Mapping[str, str]], status: Status | None = None
) -> str:
    """GC's label for the type and status (``status`` or the notification's own)."""
    value = (status or n.status).value
    return descriptions.get(n.type.value, {}).get(value, value)


def provider_response(
    n: Notification, rules: SimulationRules, status: Status | None = None
) -> str | None:
    """The simulated provider's words for a test-key outcome; None until it is final.

    The outcome is a pure function of the recipient, so nothing extra is stored; a status
    forced by an injected fault has no provider words; a text the phone networks blocked
    has the carrier's.
    """
    status = status or n.status
    if n.status_detail == CARRIER_BLOCKED and status in FINAL_STATUSES:
        return CARRIER_BLOCKED
    if n.key_type is not KeyType.TEST or status not in FINAL_STATUSES or n.status_detail:
        return None
    outcome = rules.outcome_for(n.type, n.to)
    return outcome.provider_response if outcome.status is status else None

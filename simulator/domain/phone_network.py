"""The phone networks' own hourly limits, as GC Notify documents them (GC-DOCS src/en/limits.md).

"If you repeatedly send text messages to the same number the phone networks will block
them": in an hour, at most 20 messages with the same content, or 100 with any content,
to the same recipient. GC's API does not refuse these sends; its messages "may not be
delivered". The sandbox does the same: the send is accepted (201) and the message ends
``permanent-failure``, with the words AWS's SMS service reports for a carrier's spam block
(``Blocked as spam by phone carrier``), which GC reads as a permanent failure
(cds-snc/notification-api app/celery/process_pinpoint_receipts_tasks.py
``determine_pinpoint_status``). Only messages that would reach a network count: not
test keys, not GC's smoke-test numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.domain.models import Notification, Status

__all__ = ["CARRIER_BLOCKED", "PhoneNetworkRules", "mark_carrier_blocked"]

CARRIER_BLOCKED = "Blocked as spam by phone carrier"


@dataclass(frozen=True, slots=True)
class PhoneNetworkRules:
    same_content_per_hour: int = 20
    any_content_per_hour: int = 100


def mark_carrier_blocked(notification: Notification) -> None:
    """Handed to the provider, then blocked by the network: its planned end."""
    notification.planned_status = Status.PERMANENT_FAILURE
    notification.status_detail = CARRIER_BLOCKED

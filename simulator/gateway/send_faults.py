"""Injected faults at send time: latency and HTTP errors act now, a forced status later."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from simulator.domain.errors import NotifyError
from simulator.domain.faults import FaultBook, FaultRule
from simulator.domain.messages import Messages
from simulator.domain.models import NotificationType
from simulator.domain.recipients import normalise_email_for_matching, normalise_phone_for_matching
from simulator.gateway.auth import Principal

__all__ = ["apply_faults", "row_fault"]

# what can happen to a notification after its request was answered
_LATER = ("status", "provider_error")


async def apply_faults(
    faults: FaultBook,
    texts: Messages,
    principal: Principal,
    notification_type: NotificationType,
    data: Mapping[str, Any],
) -> FaultRule | None:
    """Latency and HTTP errors act now; a forced status is returned for the plan."""
    if not faults.rules:
        return None
    fired = faults.fire(
        principal.service.id, notification_type.value, _recipients(notification_type, data)
    )
    forced = None
    for rule in fired:
        if rule.effect == "latency" and rule.latency_ms:
            await asyncio.sleep(rule.latency_ms / 1000)
        elif rule.effect == "http_error":
            raise _injected_error(texts, principal, rule.http_status or 500)
        elif forced is None:
            forced = rule
    return forced


def row_fault(
    faults: FaultBook, service_id: str, notification_type: NotificationType, recipient: str
) -> FaultRule | None:
    """The fault that decides a bulk job's row, as it would a single send to the recipient.

    The job's request was answered long ago, so latency and HTTP errors do not apply
    (and are not used up); a forced status or provider error does.
    """
    if not faults.rules:
        return None
    field = "phone_number" if notification_type is NotificationType.SMS else "email_address"
    recipients = _recipients(notification_type, {field: recipient})
    fired = faults.fire(service_id, notification_type.value, recipients, effects=_LATER)
    return fired[0] if fired else None


def _recipients(notification_type: NotificationType, data: Mapping[str, Any]) -> tuple[str, ...]:
    """As sent, and normalised, so `07700 900777` and `+447700900777` match one pattern."""
    if notification_type is NotificationType.SMS:
        raw = str(data.get("phone_number", ""))
        normalised = normalise_phone_for_matching(raw)
        return (raw, normalised, f"+{normalised}") if normalised else (raw,)
    raw = str(data.get("email_address", ""))
    return (raw, normalise_email_for_matching(raw))


def _injected_error(texts: Messages, principal: Principal, status: int) -> NotifyError:
    if status == 429:
        key_type = principal.key.key_type.shouty
        text = texts.rate_limited.format(key_type=key_type, limit=principal.service.rate_limit)
        return NotifyError(
            text, status_code=429, error="RateLimitError", headers={"Retry-After": "1"}
        )
    if status == 503:
        return NotifyError("Service Unavailable", status_code=503, error="ServiceUnavailableError")
    return NotifyError("Internal server error", status_code=500, error="Exception")

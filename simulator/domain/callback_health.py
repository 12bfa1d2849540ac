"""GC Notify's callback health: suspension after repeated failures, and health-check pings.

GC-DOCS src/en/callbacks.md: GC "continues trying to deliver until a callback fails 25
times in 5 minutes", then suspends the service's callbacks; none are sent while the
suspension lasts, until GC support lifts it. GC sends ``{"health_check": "true"}`` when
callbacks are set up or changed, and when a user tests the response time.
cds-snc/notification-api: ``ServiceCallbackApi.is_suspended`` and ``suspended_at``
(app/models.py, kept after a resume), checked before a delivery-status callback is
queued (app/notifications/callbacks.py), and set by the admin route
``/delivery-receipt-api/suspend-callback`` with ``suspend_unsuspend``
(app/service/callback_rest.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from simulator.domain.clock import utc_from_micros, utc_micros

__all__ = [
    "FAILED_AT",
    "HEALTH_CHECK_PAYLOAD",
    "SUSPENDED",
    "SUSPENDED_AT",
    "SuspensionRules",
    "failures_text",
    "is_suspended",
    "read_failures",
]

HEALTH_CHECK_PAYLOAD = {"health_check": "true"}

# the keys a callback's settings carry once it has been suspended (strings, as the settings)
SUSPENDED = "is_suspended"
SUSPENDED_AT = "suspended_at"
# the sandbox's: when the failed attempts still in the window were made (epoch
# microseconds, comma-separated), kept with the settings so a restart keeps the count
FAILED_AT = "failed_at"


@dataclass(frozen=True, slots=True)
class SuspensionRules:
    failures: int = 25
    window_seconds: int = 300
    # GC checks the suspension only before queuing a delivery-status callback
    kinds: tuple[str, ...] = ("delivery_status",)


def is_suspended(settings: Mapping[str, str] | None) -> bool:
    return settings is not None and settings.get(SUSPENDED) == "true"


def read_failures(settings: Mapping[str, str] | None) -> list[datetime]:
    text = (settings or {}).get(FAILED_AT, "")
    return [utc_from_micros(int(part)) for part in text.split(",") if part.isdigit()]


def failures_text(moments: Iterable[datetime]) -> str:
    return ",".join(str(utc_micros(moment)) for moment in moments)

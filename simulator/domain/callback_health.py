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

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["HEALTH_CHECK_PAYLOAD", "SUSPENDED", "SUSPENDED_AT", "SuspensionRules", "is_suspended"]

HEALTH_CHECK_PAYLOAD = {"health_check": "true"}

# the keys a callback's settings carry once it has been suspended (strings, as the settings)
SUSPENDED = "is_suspended"
SUSPENDED_AT = "suspended_at"


@dataclass(frozen=True, slots=True)
class SuspensionRules:
    failures: int = 25
    window_seconds: int = 300
    # GC checks the suspension only before queuing a delivery-status callback
    kinds: tuple[str, ...] = ("delivery_status",)


def is_suspended(settings: Mapping[str, str] | None) -> bool:
    return settings is not None and settings.get(SUSPENDED) == "true"

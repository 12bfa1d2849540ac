"""A provider's delivery receipt applied to its notification (the status machine).

Notify ignores receipts once a notification is final, so the status moves only while it
is in flight (sending, sent, pending), by compare-and-set. An interim receipt (Twilio's
``sent`` is our ``pending``) only moves ``sending`` on to ``pending`` and keeps the
72-hour timeout already scheduled. A change queues the delivery-status callback the
service is owed, like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from simulator.domain.clock import Clock
from simulator.domain.models import Notification, Status
from simulator.domain.ports import NotificationStore, Transition
from simulator.gateway.callback_planner import CallbackPlanner

__all__ = ["ReceiptUpdates", "receipt_transition"]

_IN_FLIGHT = frozenset({Status.SENDING, Status.SENT, Status.PENDING})
_FINAL_FROM_PROVIDER = frozenset(
    {
        Status.DELIVERED,
        Status.TEMPORARY_FAILURE,
        Status.PERMANENT_FAILURE,
        Status.TECHNICAL_FAILURE,
    }
)
_DETAIL_MAX = 500


def receipt_transition(
    n: Notification, status: Status, detail: str, now: datetime
) -> Transition | None:
    """The compare-and-set this receipt asks for, or None when it changes nothing."""
    if n.status not in _IN_FLIGHT or status is n.status:
        return None
    if status in _FINAL_FROM_PROVIDER:
        return Transition(
            n.id, n.status, status, now, next_action_at=None, detail=detail[:_DETAIL_MAX]
        )
    if n.status is Status.SENDING and status is Status.PENDING:
        # an interim receipt: keep the 72-hour timeout that is already scheduled
        return Transition(
            n.id, n.status, status, now, next_action_at=n.next_action_at, detail=detail
        )
    return None  # "queued" after "sent", and the like: nothing new


class ReceiptUpdates:
    def __init__(
        self,
        *,
        store: NotificationStore,
        callbacks: CallbackPlanner,
        clock: Clock,
        on_callback_queued: Callable[[], None],
        on_changed: Callable[[], None],
    ) -> None:
        self._store = store
        self._callbacks = callbacks
        self._clock = clock
        self._on_callback_queued = on_callback_queued
        self._on_changed = on_changed

    async def find(self, provider_reference: str) -> Notification | None:
        return await self._store.find_by_provider_reference(provider_reference)

    async def apply(
        self, notification: Notification, status: Status, detail: str
    ) -> tuple[Status, bool]:
        """(the notification's status now, whether this receipt changed it)."""
        transition = receipt_transition(notification, status, detail, self._clock.now())
        if transition is None:
            return notification.status, False
        transition = await self._callbacks.attach(notification, transition)
        [applied] = await self._store.apply_transitions([transition])
        if not applied:
            return notification.status, False
        if transition.callback is not None:
            self._on_callback_queued()
        self._on_changed()
        return transition.status, True

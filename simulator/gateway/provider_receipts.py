"""A provider's delivery receipt: trusted only when signed, then applied to its
notification (the status machine).

The route (api/provider_receipts.py) has already refused what it could without reading
(no provider of the kind configured, no signature, the wrong type, too large). Here: an
unknown reference, or one not sent through a configured provider of the kind, is 404, but
only when the signature verifies with a configured provider's credentials (else 403:
nothing is told to an unsigned caller); a known one must be signed by the provider that
sent the message.

Notify ignores receipts once a notification is final, so the status moves only while it
is in flight (sending, sent, pending), by compare-and-set. An interim receipt (Twilio's
``sent`` is our ``pending``) only moves ``sending`` on to ``pending`` and keeps the
72-hour timeout already scheduled. A change queues the delivery-status callback the
service is owed, like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from simulator.domain.clock import Clock
from simulator.domain.errors import AuthError, BadRequestError
from simulator.domain.messages import Messages
from simulator.domain.models import Notification, Status
from simulator.domain.outbound import ReceiptForm, ReceiptRules
from simulator.domain.ports import NotificationStore, Transition
from simulator.gateway.callback_planner import CallbackPlanner

__all__ = [
    "ReceiptOutcome",
    "ReceiptSource",
    "ReceiptUpdates",
    "bad_signature",
    "receipt_transition",
]

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


@dataclass(frozen=True, slots=True)
class ReceiptSource:
    """A provider kind that calls back: how its receipts read, and its configured providers."""

    rules: ReceiptRules
    providers: Mapping[str, Mapping[str, Any]]  # configured name -> its settings


@dataclass(frozen=True, slots=True)
class ReceiptOutcome:
    notification: Notification
    status: Status  # what the receipt said
    current: Status  # the notification's status now
    applied: bool  # whether this receipt changed it


def bad_signature(rules: ReceiptRules) -> AuthError:
    return AuthError(f"Invalid {rules.title} signature", 403)


class ReceiptUpdates:
    def __init__(
        self,
        *,
        sources: Mapping[str, ReceiptSource],
        messages: Messages,
        store: NotificationStore,
        callbacks: CallbackPlanner,
        clock: Clock,
        on_callback_queued: Callable[[], None],
        on_changed: Callable[[], None],
    ) -> None:
        self._sources = sources
        self._messages = messages
        self._store = store
        self._callbacks = callbacks
        self._clock = clock
        self._on_callback_queued = on_callback_queued
        self._on_changed = on_changed

    def configured(self, kind: str) -> bool:
        source = self._sources.get(kind)
        return source is not None and bool(source.providers)

    async def receive(
        self, kind: str, form: ReceiptForm, signature: str, received_url: str
    ) -> ReceiptOutcome:
        source = self._sources[kind]
        rules = source.rules
        found = (
            await self._store.find_by_provider_reference(form.reference) if form.reference else None
        )
        settings = source.providers.get(found.provider or "") if found is not None else None
        if found is None or settings is None:
            if not any(
                rules.signed(s, form, signature, received_url=received_url, notification_id=None)
                for s in source.providers.values()
            ):
                raise bad_signature(rules)
            if not form.reference or not form.provider_status:
                raise BadRequestError(f"{rules.required_fields} are required")
            raise self._messages.no_result_error()
        if not rules.signed(
            settings, form, signature, received_url=received_url, notification_id=found.id
        ):
            raise bad_signature(rules)
        if not form.provider_status:
            raise BadRequestError(f"{rules.required_fields} are required")
        status = Status(rules.status_for(form.provider_status, form.error_code))
        detail = f"{kind}: {form.provider_status}"
        if form.error_code:
            detail += f" (error {form.error_code})"
        current, applied = await self.apply(found, status, detail)
        return ReceiptOutcome(found, status, current, applied)

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

"""Team and live letters: the print outbox.

The default (and only) letter provider keeps the PDF made at send time and records the
hand-off, so the inspection API shows what was "printed". The letter then shows
``accepted`` (``sending``) until ``letter_delivery_delay`` has passed, then ``received``.
A failure the sandbox was asked for (a magic first line) ends the letter instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import structlog

from simulator.domain.masking import mask_recipient
from simulator.domain.models import Notification, NotificationType, Status
from simulator.domain.ports import FileStore, MessageRecord, NotificationStore, Transition
from simulator.gateway.callback_planner import CallbackPlanner
from simulator.gateway.letters import LETTER_PDF

__all__ = ["PRINT_OUTBOX", "LetterLane", "by_channel"]

log = structlog.get_logger("simulator.delivery")

PRINT_OUTBOX = "print-outbox"
Dispatch = Callable[[Notification], Awaitable[None]]


def by_channel(letters: Dispatch, others: Dispatch) -> Dispatch:
    async def dispatch(n: Notification) -> None:
        await (letters if n.type is NotificationType.LETTER else others)(n)

    return dispatch


class LetterLane:
    def __init__(
        self,
        *,
        store: NotificationStore,
        files: FileStore,
        clock: Callable[[], datetime],
        delivery_delay: float,
        callbacks: CallbackPlanner,
        on_scheduled: Callable[[datetime], None],
        on_callback_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._files = files
        self._now = clock
        self._delay = delivery_delay
        self._callbacks = callbacks
        self._on_scheduled = on_scheduled
        self._on_callback_queued = on_callback_queued

    async def __call__(self, n: Notification) -> None:
        now = self._now()
        if n.planned_status is not None and n.planned_status is not Status.DELIVERED:
            await self._apply(n, _step(n, n.planned_status, now, detail="sandbox outcome"))
            return
        if await self._files.get_file(LETTER_PDF, n.id) is None:
            await self._apply(n, _step(n, Status.TECHNICAL_FAILURE, now, detail="no PDF"))
            return
        if self._delay == 0:
            transition = _step(n, Status.DELIVERED, now, provider=PRINT_OUTBOX)
        else:
            transition = _step(
                n,
                Status.SENDING,
                now,
                provider=PRINT_OUTBOX,
                next_action_at=now + timedelta(seconds=self._delay),
                planned=Status.DELIVERED,
            )
        transition = await self._callbacks.attach(n, transition)
        record = MessageRecord(
            notification_id=n.id,
            service_id=n.service_id,
            key_type=n.key_type,
            channel=NotificationType.LETTER,
            provider=PRINT_OUTBOX,
            recipient=n.to,
            body=n.body,
            template_id=n.template_id,
            created_at=now,
            subject=n.subject,
            reference=n.reference,
        )
        if await self._store.record_delivery(transition, record):
            if transition.callback is not None:
                self._on_callback_queued()
            self._on_scheduled(transition.next_action_at or now)
            log.info("letter_printed", notification_id=n.id, recipient=mask_recipient(n.to))

    async def _apply(self, n: Notification, transition: Transition) -> None:
        transition = await self._callbacks.attach(n, transition)
        await self._store.apply_transitions([transition])
        if transition.callback is not None:
            self._on_callback_queued()


def _step(
    n: Notification,
    status: Status,
    now: datetime,
    *,
    provider: str | None = None,
    detail: str | None = None,
    next_action_at: datetime | None = None,
    planned: Status | None = None,
) -> Transition:
    # guarded by the claim: only the worker that claimed the letter may move it
    return Transition(
        n.id,
        Status.CREATED,
        status,
        now,
        next_action_at=next_action_at,
        set_sent_at=True,
        provider=provider,
        detail=detail,
        planned_status=planned,
        expected_attempts=n.attempts,
    )

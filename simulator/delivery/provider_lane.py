"""Team and live notifications: render, hand to the channel's providers, record.

The hand-off and the rendered message are written in one transaction guarded by
the claim, so a notification is recorded as sent at most once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta

import structlog

from simulator.config import SimulatorTiming
from simulator.delivery.dispatch import DispatchOutcome, ProviderChain
from simulator.domain import email_render, sms
from simulator.domain.clock import Clock
from simulator.domain.masking import mask_recipient
from simulator.domain.models import Notification, NotificationType, Service, Status, Template
from simulator.domain.outbound import OutboundEmail, OutboundSms, is_receipt_status
from simulator.domain.ports import MessageRecord, NotificationStore, Transition
from simulator.gateway.callback_planner import CallbackPlanner
from simulator.gateway.directory import ServiceDirectory

__all__ = ["ProviderLane"]

log = structlog.get_logger("simulator.delivery")

# Notify times out anything still in flight after 72 hours as a temporary failure
_RECEIPT_TIMEOUT = timedelta(hours=72)
_IN_FLIGHT = {"sending": Status.SENDING, "sent": Status.SENT, "pending": Status.PENDING}


class ProviderLane:
    def __init__(
        self,
        *,
        store: NotificationStore,
        directory: ServiceDirectory,
        clock: Clock,
        timing: SimulatorTiming,
        chains: Mapping[str, ProviderChain],
        email_domain: str,
        on_scheduled: Callable[[datetime], None],
        callbacks: CallbackPlanner,
        on_callback_queued: Callable[[], None] = lambda: None,
        sms_in_flight: Status | None = None,
        language_blocks: bool = False,
    ) -> None:
        self._language_blocks = language_blocks  # GC's [[fr]]/[[en]]/[[rtl]] in email
        # GC shows every handed-off SMS as `sent` while its receipt is awaited
        self._sms_in_flight = sms_in_flight
        self._callbacks = callbacks
        self._on_callback_queued = on_callback_queued
        self._store = store
        self._directory = directory
        self._clock = clock
        self._timing = timing
        self._chains = chains
        self._email_domain = email_domain
        self._on_scheduled = on_scheduled

    async def __call__(self, n: Notification) -> None:
        entry = await self._directory.entry(n.service_id)
        if entry is None:
            await self._fail(n, "service no longer exists")
            return
        template = await self._directory.template_version(
            n.service_id, n.template_id, n.template_version
        )
        if template is None:
            await self._fail(n, "template no longer exists")
            return
        message = self._render(n, entry.service, template)
        outcome = await self._dispatch(n, message)
        if outcome.status == "technical-failure":
            await self._fail(n, "; ".join(outcome.errors) or outcome.detail or "providers failed")
            return
        transition = await self._callbacks.attach(n, self._hand_off(n, outcome))
        record = self._record(n, entry.service, message, outcome)
        if await self._store.record_delivery(transition, record):
            if transition.callback is not None:
                self._on_callback_queued()
            self._on_scheduled(transition.next_action_at or transition.at)
            log.info(
                "notification_handed_off",
                notification_id=n.id,
                provider=outcome.provider,
                status=transition.status.value,
                recipient=mask_recipient(n.to),
            )

    async def _dispatch(
        self, n: Notification, message: OutboundSms | OutboundEmail
    ) -> DispatchOutcome:
        if n.planned_status is None:
            return await self._chains[n.type.value].send(message)
        # an injected fault decides the outcome; no provider is called
        detail = n.status_detail or "fault injected"
        status = n.planned_status.value
        # a planned status is one a provider could report (a fault's, or the networks' block)
        if status == "technical-failure" or not is_receipt_status(status):
            return DispatchOutcome("technical-failure", None, None, 0, [detail], detail)
        return DispatchOutcome(status, "fault-injection", None, 0, [], detail)

    def _render(
        self, n: Notification, service: Service, template: Template
    ) -> OutboundSms | OutboundEmail:
        values = n.personalisation
        if n.type is NotificationType.SMS:
            body = (
                sms.render_sms_body(template.body, values, prefix=service.name)
                if service.prefix_sms
                else n.body
            )
            return OutboundSms(
                notification_id=n.id,
                service_id=n.service_id,
                to=n.to,
                normalised_to=n.normalised_to,
                sender=n.sender or service.name,
                body=body,
                fragment_count=sms.sms_fragment_count(body),
                reference=n.reference,
            )
        return OutboundEmail(
            notification_id=n.id,
            service_id=n.service_id,
            to=n.to,
            from_address=f"{service.email_sender_local_part}@{self._email_domain}",
            from_name=service.name,
            reply_to=n.reply_to,
            subject=n.subject or "",
            plain_text=email_render.email_plain_text(
                template.body,
                values,
                unsubscribe_url=n.unsubscribe_url,
                language_blocks=self._language_blocks,
            ),
            html=email_render.email_html(
                template.body,
                values,
                unsubscribe_url=n.unsubscribe_url,
                language_blocks=self._language_blocks,
            ),
            unsubscribe_url=n.unsubscribe_url,
            reference=n.reference,
        )

    def _hand_off(self, n: Notification, outcome: DispatchOutcome) -> Transition:
        now = self._clock.now()
        in_flight = _IN_FLIGHT.get(outcome.status)
        if in_flight is Status.SENDING and n.type is NotificationType.SMS:
            in_flight = self._sms_in_flight or in_flight
        common = Transition(
            n.id,
            Status.CREATED,
            Status.CREATED,
            now,
            set_sent_at=True,
            provider=outcome.provider,
            provider_reference=outcome.provider_reference,
            detail=outcome.detail,
            expected_attempts=n.attempts,
        )
        if in_flight is not None:
            # wait for the provider's receipt, up to Notify's timeout
            return replace(
                common,
                status=in_flight,
                next_action_at=now + _RECEIPT_TIMEOUT,
                planned_status=Status.TEMPORARY_FAILURE,
            )
        final = Status(outcome.status)
        if self._timing.delivery_delay == 0:
            return replace(common, status=final)
        # the provider answered at once; still show `sending` for a while, like Notify
        shown = Status.SENDING
        if n.type is NotificationType.SMS and self._sms_in_flight is not None:
            shown = self._sms_in_flight
        return replace(
            common,
            status=shown,
            next_action_at=now + timedelta(seconds=self._timing.delivery_delay),
            planned_status=final,
        )

    def _record(
        self,
        n: Notification,
        service: Service,
        message: OutboundSms | OutboundEmail,
        outcome: DispatchOutcome,
    ) -> MessageRecord:
        is_sms = isinstance(message, OutboundSms)
        return MessageRecord(
            notification_id=n.id,
            service_id=service.id,
            key_type=n.key_type,
            channel=n.type,
            provider=outcome.provider or "",
            recipient=n.to,
            body=message.body if isinstance(message, OutboundSms) else message.plain_text,
            template_id=n.template_id,
            created_at=self._clock.now(),
            sender=message.sender if isinstance(message, OutboundSms) else message.from_address,
            reply_to=None if is_sms else n.reply_to,
            subject=None if isinstance(message, OutboundSms) else message.subject,
            html=None if isinstance(message, OutboundSms) else message.html,
            fragment_count=message.fragment_count if isinstance(message, OutboundSms) else None,
            reference=n.reference,
            unsubscribe_url=n.unsubscribe_url,
        )

    async def _fail(self, n: Notification, detail: str) -> None:
        transition = Transition(
            n.id,
            Status.CREATED,
            Status.TECHNICAL_FAILURE,
            self._clock.now(),
            detail=detail[:500],
            expected_attempts=n.attempts,
        )
        transition = await self._callbacks.attach(n, transition)
        await self._store.apply_transitions([transition])
        if transition.callback is not None:
            self._on_callback_queued()
        log.warning("notification_failed", notification_id=n.id, recipient=mask_recipient(n.to))

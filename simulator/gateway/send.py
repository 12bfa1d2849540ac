"""The send use case: POST /v2/notifications/{sms,email}, step by step in the profile's order.

GOV.UK (contract 3.4): rate limit and daily allowance (``admit``, before the body is
read), then schema, permission, template, senders, recipient (allow-list, then phone
permission), length, persist and 201. GC reads the body first and takes its limits
between the steps: ``Profile.send_steps`` gives the order (``SendStep`` values), and
``_STEPS`` maps each to the method that runs it.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

import structlog

from simulator.config import SimulatorTiming
from simulator.domain.attachments import file_keys, prepare_documents, validate_files
from simulator.domain.clock import SandboxClock
from simulator.domain.errors import BadRequestError, ValidationError
from simulator.domain.faults import FaultBook, FaultRule
from simulator.domain.ids import RandomIds
from simulator.domain.masking import mask_recipient
from simulator.domain.models import (
    ApiKey,
    KeyType,
    Notification,
    NotificationType,
    Service,
    Status,
    Template,
)
from simulator.domain.phone_network import mark_carrier_blocked
from simulator.domain.ports import (
    Limiter,
    NotificationStore,
    RateDecision,
    Reservation,
    StoredFile,
)
from simulator.domain.profiles import Profile
from simulator.domain.sanitise_content import sanitise_personalisation
from simulator.domain.schemas import RequestSchemas, parse_scheduled_for
from simulator.domain.send_steps import SendStep
from simulator.domain.timeline import may_store_once, plan_timeline
from simulator.gateway.allowances import Admission, Allowances
from simulator.gateway.auth import Principal
from simulator.gateway.callback_planner import CallbackPlanner
from simulator.gateway.content import ContentChecks, Rendered
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.phone_network import PhoneNetworkLimits
from simulator.gateway.recipient_checks import Recipient, RecipientChecks
from simulator.gateway.send_a_file import DocumentLinks
from simulator.gateway.send_faults import apply_faults

__all__ = ["Admission", "SendContext", "SendOutcome", "SendService", "SendStepRunner"]

log = structlog.get_logger("simulator.send")

_PLURALS = {"sms": "text messages", "email": "emails", "letter": "letters"}


@dataclass(frozen=True, slots=True)
class SendOutcome:
    notification: Notification
    from_email: str | None
    stored: bool
    # the rate decision when the send itself took it (GC), for the response headers
    rate: RateDecision | None = None
    scheduled_for: str | None = None  # echoed as sent, where the profile honours it
    # sanitised_content of an email's 201: the values sanitise_content_for changed
    sanitised: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class _Send:
    """What the steps of one send have found so far."""

    principal: Principal
    type: NotificationType
    data: dict[str, Any]
    reservations: list[Reservation]
    personalisation: dict[str, Any] = field(default_factory=dict)
    forced: FaultRule | None = None
    rate: RateDecision | None = None
    template: Template | None = None
    rendered: Rendered | None = None
    sender: str | None = None
    reply_to: str | None = None
    recipient: Recipient | None = None
    sanitised: dict[str, Any] = field(default_factory=dict)
    carrier_blocked: bool = False  # over the phone networks' hourly limits (GC)
    files: list[StoredFile] = field(default_factory=list)  # kept with the notification

    @property
    def service(self) -> Service:
        return self.principal.service


SendContext = _Send  # for the steps of GC's v1 sends (gateway/legacy_send.py)
SendStepRunner = Callable[[_Send], Awaitable[None]]


class SendService:
    def __init__(
        self,
        *,
        profile: Profile,
        directory: ServiceDirectory,
        store: NotificationStore,
        schemas: RequestSchemas,
        limiter: Limiter,
        clock: SandboxClock,
        timing: SimulatorTiming,
        email_domain: str,
        on_stored: Callable[[Sequence[Notification]], None],
        on_key_event: Callable[[ApiKey, str, str], None] | None = None,
        callbacks: CallbackPlanner,
        on_callback_queued: Callable[[], None] = lambda: None,
        faults: FaultBook | None = None,
        documents: DocumentLinks,
    ) -> None:
        self._documents = documents
        self._faults = faults or FaultBook(random=random.random)
        self._callbacks = callbacks
        self._on_callback_queued = on_callback_queued
        self._profile = profile
        self._texts = profile.messages
        self._store = store
        self._schemas = schemas
        self._clock = clock
        self._timing = timing
        self._email_domain = email_domain
        self._on_stored = on_stored
        self._allowances = Allowances(
            profile=profile,
            limiter=limiter,
            clock=clock,
            on_key_event=on_key_event or (lambda key, event, detail: None),
        )
        rules = profile.phone_network
        self._phone_network = (
            PhoneNetworkLimits(rules=rules, limiter=limiter, clock=clock) if rules else None
        )
        self._content = ContentChecks(profile, directory)
        self._recipients = RecipientChecks(profile)
        self._steps = [partial(_STEPS[step], self) for step in profile.send_steps]
        self.created = 0
        self._ids = RandomIds()

    # -- GOV.UK's step 2, before the body is parsed --------------------------------------
    async def admit(self, principal: Principal, notification_type: str) -> Admission:
        return await self._allowances.admit(principal, notification_type)

    def daily_limit(self, service: Service, channel: str) -> int:
        return self._allowances.daily_limit(service, channel)

    async def release(self, admission: Admission) -> None:
        await self._allowances.release([admission.reservation])

    def step(self, step: SendStep) -> SendStepRunner:
        """One of this use case's steps, for another order of them (GC's v1 sends)."""
        return partial(_STEPS[step], self)

    # -- the steps, in the profile's order ------------------------------------------------
    async def send(
        self,
        principal: Principal,
        notification_type: NotificationType,
        body: Any,
        admission: Admission | None = None,
        *,
        steps: list[SendStepRunner] | None = None,
    ) -> SendOutcome:
        """Runs the profile's steps (or `steps`), then stores the notification."""
        reservation = admission.reservation if admission else None
        ctx = _Send(principal, notification_type, body or {}, [reservation] if reservation else [])
        try:
            for step in steps or self._steps:
                await step(ctx)
            outcome = await self._persist(ctx)
        except BaseException:
            await self._allowances.release(ctx.reservations)
            raise
        if not outcome.stored:  # smoke-test recipients use no allowance
            await self._allowances.release(ctx.reservations)
        return outcome

    async def _step_schema(self, ctx: _Send) -> None:
        is_sms = ctx.type is NotificationType.SMS
        validate = self._schemas.validate_post_sms if is_sms else self._schemas.validate_post_email
        errors = validate(ctx.data)
        if errors:
            raise ValidationError([e.message for e in errors])
        ctx.personalisation = dict(ctx.data.get("personalisation") or {})

    async def _step_phone_network(self, ctx: _Send) -> None:
        """GC: the networks block a text over their hourly limits; the send is still accepted."""
        recipient, rendered = ctx.recipient, ctx.rendered
        if (
            self._phone_network is None
            or ctx.type is not NotificationType.SMS
            or ctx.principal.key.key_type is KeyType.TEST
            or recipient is None
            or recipient.simulated
            or rendered is None
        ):
            return
        taken = await self._phone_network.take(recipient.normalised, rendered.body)
        if taken is None:
            ctx.carrier_blocked = True
        else:
            ctx.reservations.append(taken)  # given back if the send fails after this

    async def _step_files(self, ctx: _Send) -> None:
        rules = self._profile.attachments
        errors = validate_files(ctx.personalisation, rules) if rules else []
        if errors:
            raise ValidationError(errors)

    async def _step_faults(self, ctx: _Send) -> None:
        ctx.forced = await apply_faults(
            self._faults, self._texts, ctx.principal, ctx.type, ctx.data
        )

    async def _step_suspended(self, ctx: _Send) -> None:
        # only a full-key scheme gets this far for an inactive service (contract 1.4)
        if not ctx.service.active:
            raise BadRequestError(self._texts.service_suspended, 403)

    async def _step_permission(self, ctx: _Send) -> None:
        if ctx.type.value not in ctx.service.permissions:
            plural = _PLURALS[ctx.type.value]
            raise BadRequestError(self._texts.service_not_allowed.format(plural=plural))

    async def _step_sanitise(self, ctx: _Send) -> None:
        if ctx.type is not NotificationType.EMAIL:
            return
        result = sanitise_personalisation(ctx.personalisation, ctx.data.get("sanitise_content_for"))
        ctx.personalisation, ctx.sanitised = result.values, result.changes

    async def _step_rate(self, ctx: _Send) -> None:
        ctx.rate = await self._allowances.take_rate(ctx.principal)

    async def _step_template(self, ctx: _Send) -> None:
        ctx.template = await self._content.template(ctx.service, ctx.data["template_id"], ctx.type)

    def _template_values(self, ctx: _Send) -> dict[str, Any]:
        if self._profile.attachments is None:
            return ctx.personalisation
        # GC leaves attached files out of the template (they are not placeholders)
        return {
            k: v
            for k, v in ctx.personalisation.items()
            if not (isinstance(v, Mapping) and v.get("sending_method") == "attach")
        }

    async def _step_personalisation(self, ctx: _Send) -> None:
        assert ctx.template is not None
        self._content.check_personalisation(ctx.template, self._template_values(ctx))

    async def _step_render(self, ctx: _Send) -> None:
        assert ctx.template is not None
        ctx.rendered = self._content.render(ctx.service, ctx.template, self._template_values(ctx))

    async def _step_allowances(self, ctx: _Send) -> None:
        if ctx.principal.key.key_type is KeyType.TEST:
            return
        # GC compares the number as sent with its simulated list, before any formatting
        raw = ctx.data.get("phone_number")
        if ctx.type is NotificationType.SMS and raw in self._profile.simulation.smoke_test_sms:
            return
        units = ctx.rendered.units if ctx.rendered else 1
        ctx.reservations += await self._allowances.reserve_planned(
            ctx.service, ctx.type.value, units
        )

    async def _step_senders(self, ctx: _Send) -> None:
        service, data = ctx.service, ctx.data
        if ctx.type is NotificationType.SMS:
            ctx.sender = self._sender(service, data)
        else:
            ctx.reply_to = self._reply_to(service, data)

    async def _step_recipient(self, ctx: _Send) -> None:
        ctx.recipient = self._recipients.check(ctx.principal, ctx.type, ctx.data)

    async def _step_international_allowance(self, ctx: _Send) -> None:
        phone = ctx.recipient.phone if ctx.recipient else None
        if (
            phone is not None
            and not phone.billable_as_uk
            and ctx.principal.key.key_type is not KeyType.TEST
        ):
            # the trial "total" place was taken with the sms one
            ctx.reservations.append(
                await self._allowances.reserve_daily(
                    ctx.service, ["international_sms"], with_total=False
                )
            )

    async def _step_send_a_file(self, ctx: _Send) -> None:
        assert ctx.recipient is not None
        linked = self._documents.link(
            ctx.personalisation,
            ctx.service,
            self._texts,
            recipient=ctx.recipient.to,
            simulated=ctx.recipient.simulated,
        )
        ctx.personalisation, ctx.files = linked.personalisation, linked.files

    async def _step_documents(self, ctx: _Send) -> None:
        rules = self._profile.attachments
        if rules is None or not file_keys(ctx.personalisation):
            return
        if "upload_document" not in ctx.service.permissions:
            raise BadRequestError(self._texts.service_not_allowed.format(plural="documents"))
        assert ctx.template is not None and ctx.recipient is not None
        links, kept = self._documents.gc_links(
            ctx.personalisation,
            ctx.service,
            recipient=ctx.recipient.to,
            simulated=ctx.recipient.simulated,
            retention=timedelta(days=rules.link_retention_days),
        )
        render, record = prepare_documents(
            ctx.personalisation, rules, service_id=ctx.service.id, links=links
        )
        ctx.personalisation = record
        ctx.files = kept + self._documents.attachments(
            ctx.data.get("personalisation") or {}, record, ctx.service
        )
        # the message carries the links; the checks were made on the values as sent
        ctx.rendered = self._content.render(ctx.service, ctx.template, render, check=False)

    def _sender(self, service: Service, data: Mapping[str, Any]) -> str | None:
        sender_id = data.get("sms_sender_id")
        if sender_id:
            match = next((s for s in service.sms_senders if s.id == sender_id), None)
            if match is None:
                raise BadRequestError(
                    self._texts.sms_sender_missing.format(id=sender_id, service_id=service.id)
                )
            return self._profile.phones.chosen_sender(match.sender)
        default = service.default_sms_sender()
        return default.sender if default else None

    def _reply_to(self, service: Service, data: Mapping[str, Any]) -> str | None:
        reply_to_id = data.get("email_reply_to_id")
        if reply_to_id:
            match = next((r for r in service.email_reply_to if r.id == reply_to_id), None)
            if match is None:
                raise BadRequestError(
                    self._texts.reply_to_missing.format(id=reply_to_id, service_id=service.id)
                )
            return match.email_address
        default = service.default_reply_to()
        return default.email_address if default else None

    # -- persist and answer -----------------------------------------------------------------
    async def _persist(self, ctx: _Send) -> SendOutcome:
        if ctx.rendered is None:  # GOV.UK renders last
            await self._step_render(ctx)
        notification = self._build(ctx)
        recipient = ctx.recipient
        assert recipient is not None
        if not recipient.simulated:
            callback = None
            if notification.status is not Status.CREATED:  # immediate timeline: already final
                callback = await self._callbacks.for_status(
                    notification, notification.status, notification.created_at, notification.sent_at
                )
            # the files first: a crash in between leaves unused files, never missing ones
            await self._documents.keep(ctx.files, notification.id)
            await self._store.add_notification(notification, callback=callback)
            self.created += 1
            if callback is not None:
                self._on_callback_queued()
            # also tells long-polling readers that something new is stored
            self._on_stored((notification,))
            # debug: an info line per send would cost more than the send (issue 4)
            log.debug(
                "notification_created",
                notification_id=notification.id,
                notification_type=ctx.type.value,
                recipient=mask_recipient(recipient.to),
                key_type=ctx.principal.key.key_type.value,
            )
        is_sms = ctx.type is NotificationType.SMS
        service = ctx.service
        from_email = None if is_sms else f"{service.email_sender_local_part}@{self._email_domain}"
        scheduled = ctx.data.get("scheduled_for") if self._profile.honours_scheduled_for else None
        return SendOutcome(
            notification,
            from_email,
            not recipient.simulated,
            ctx.rate,
            scheduled or None,
            ctx.sanitised,
        )

    def _build(self, ctx: _Send) -> Notification:
        template, recipient, rendered = ctx.template, ctx.recipient, ctx.rendered
        assert template is not None and recipient is not None and rendered is not None
        scheduled = ctx.data.get("scheduled_for") if self._profile.honours_scheduled_for else None
        notification = Notification(
            id=self._ids(),
            service_id=ctx.service.id,
            api_key_id=ctx.principal.key.id,
            key_type=ctx.principal.key.key_type,
            type=template.type,
            status=Status.CREATED,
            to=recipient.to,
            normalised_to=recipient.normalised,
            template_id=template.id,
            template_version=template.version,
            created_at=self._clock.unique_now(),
            body=rendered.body,
            subject=rendered.subject,
            reference=ctx.data.get("reference"),
            billable_units=rendered.units,
            international=bool(recipient.phone and recipient.phone.international),
            sender=ctx.sender,
            reply_to=ctx.reply_to,
            unsubscribe_url=ctx.data.get("one_click_unsubscribe_url"),
            scheduled_for=parse_scheduled_for(scheduled) if scheduled else None,
        )
        # kept for every key type: the inspection API renders the email HTML from it
        notification.personalisation = ctx.personalisation
        self._plan(notification, ctx.service, ctx.forced)
        if ctx.carrier_blocked:
            mark_carrier_blocked(notification)
        return notification

    def _plan(self, notification: Notification, service: Service, forced: FaultRule | None) -> None:
        """Decide the notification's path: the simulator for test keys, providers otherwise."""
        plan_timeline(
            notification,
            simulation=self._profile.simulation,
            sending_delay=self._timing.sending_delay,
            immediate=self._timing.immediate,
            forced=forced,
            delivery_delay=self._timing.delivery_delay,
            store_once=may_store_once(service, wall_clock=self._clock.is_wall_time),
            sms_in_flight=self._profile.sms_hand_off_status,
        )


# each step of a send, as the method that runs it (the profile gives the order)
_STEPS: dict[SendStep, Callable[[SendService, _Send], Awaitable[None]]] = {
    SendStep.SCHEMA: SendService._step_schema,
    SendStep.FILES: SendService._step_files,
    SendStep.FAULTS: SendService._step_faults,
    SendStep.SUSPENDED: SendService._step_suspended,
    SendStep.PERMISSION: SendService._step_permission,
    SendStep.SANITISE: SendService._step_sanitise,
    SendStep.RATE: SendService._step_rate,
    SendStep.TEMPLATE: SendService._step_template,
    SendStep.PERSONALISATION: SendService._step_personalisation,
    SendStep.RENDER: SendService._step_render,
    SendStep.ALLOWANCES: SendService._step_allowances,
    SendStep.SENDERS: SendService._step_senders,
    SendStep.RECIPIENT: SendService._step_recipient,
    SendStep.INTERNATIONAL_ALLOWANCE: SendService._step_international_allowance,
    SendStep.SEND_A_FILE: SendService._step_send_a_file,
    SendStep.DOCUMENTS: SendService._step_documents,
    SendStep.PHONE_NETWORK: SendService._step_phone_network,
}

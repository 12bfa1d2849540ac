"""The send use case: POST /v2/notifications/{sms,email} in Notify's order of checks.

Order (contract 3.4): rate limit and daily allowance (done by `admit`, before the
body is read), schema, service permission, template, sender, recipient
(allow-list, then phone permission), length, then persist and answer 201.
"""

from __future__ import annotations

import asyncio
import math
import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog

from simulator.config import SimulatorTiming
from simulator.domain import email_render, sms, templating
from simulator.domain.clock import SandboxClock
from simulator.domain.errors import BadRequestError, NotifyError, ValidationError
from simulator.domain.faults import FaultBook, FaultRule
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
from simulator.domain.ports import Limiter, NotificationStore, RateDecision, Reservation
from simulator.domain.profiles import Profile
from simulator.domain.recipients import (
    InvalidPhoneNumber,
    PhoneErrorCode,
    PhoneNumber,
    normalise_email_for_matching,
    strip_invisible,
    validate_phone_for_service,
)
from simulator.domain.schemas import RequestSchemas
from simulator.domain.simulation import MagicOutcome
from simulator.gateway.allow_list import AllowListCache
from simulator.gateway.auth import Principal
from simulator.gateway.callback_planner import CallbackPlanner
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.rate_headers import rate_headers, seconds_to_midnight

__all__ = ["Admission", "SendOutcome", "SendService"]

log = structlog.get_logger("simulator.send")

_PLURALS = {"sms": "text messages", "email": "emails", "letter": "letters"}


@dataclass(frozen=True, slots=True)
class Admission:
    """What the rate-limit step decided, carried to the response headers."""

    rate: RateDecision
    reservation: Reservation | None


@dataclass(frozen=True, slots=True)
class SendOutcome:
    notification: Notification
    from_email: str | None
    stored: bool


@dataclass(frozen=True, slots=True)
class _Recipient:
    to: str
    normalised: str
    phone: PhoneNumber | None


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
        on_scheduled: Callable[[datetime], None],
        on_key_event: Callable[[ApiKey, str, str], None] | None = None,
        callbacks: CallbackPlanner,
        on_callback_queued: Callable[[], None] = lambda: None,
        faults: FaultBook | None = None,
    ) -> None:
        self._faults = faults or FaultBook(random=random.random)
        self._callbacks = callbacks
        self._on_callback_queued = on_callback_queued
        self._on_key_event = on_key_event or (lambda key, event, detail: None)
        self._profile = profile
        self._texts = profile.messages
        self._directory = directory
        self._store = store
        self._schemas = schemas
        self._limiter = limiter
        self._clock = clock
        self._timing = timing
        self._email_domain = email_domain
        self._on_scheduled = on_scheduled
        self._allow_lists = AllowListCache()
        self.created = 0  # for /metrics

    # -- step 2: before the body is parsed ------------------------------------
    async def admit(self, principal: Principal, notification_type: str) -> Admission:
        service, key_type = principal.service, principal.key.key_type
        rate_limit = service.rate_limit
        capacity = min(math.ceil(rate_limit / 3) + 1, 1000)
        decision = await self._limiter.take_token(
            f"{service.id}-tokens-{key_type.value}",
            per_minute=rate_limit,
            capacity=capacity,
            now=self._clock.now().timestamp(),
        )
        if not decision.allowed:
            text = self._texts.rate_limited.format(key_type=key_type.shouty, limit=rate_limit)
            self._on_key_event(principal.key, "rate_limited", text)
            raise NotifyError(
                text,
                status_code=429,
                error="RateLimitError",
                headers=rate_headers(decision),
            )
        if key_type is KeyType.TEST:
            return Admission(decision, None)
        try:
            reservation = await self._reserve(service, [notification_type])
        except NotifyError as error:
            # a daily 429 still reports the minute bucket it passed
            error.headers = {**rate_headers(decision), **error.headers}
            raise
        return Admission(decision, reservation)

    async def _reserve(
        self, service: Service, channels: list[str], *, with_total: bool = True
    ) -> Reservation:
        limits = [(channel, self.daily_limit(service, channel)) for channel in channels]
        if service.restricted and with_total:
            limits.append(("total", self._profile.trial_daily_limit))
        outcome = await self._limiter.reserve(service.id, self._today(), limits)
        if isinstance(outcome, Reservation):
            return outcome
        channel, limit = outcome
        shown = channels[0] if channel == "total" else channel
        raise NotifyError(
            self._texts.daily_limited.format(channel=shown, limit=limit),
            status_code=429,
            error="TooManyRequestsError",
            headers={"Retry-After": str(seconds_to_midnight(self._clock.now()))},
        )

    def daily_limit(self, service: Service, channel: str) -> int:
        if channel in service.limits:
            return service.limits[channel]
        if service.restricted and channel != "international_sms":
            return self._profile.trial_daily_limit
        return dict(self._profile.live_limits).get(channel, 999_999_999)

    def _today(self) -> str:
        return self._clock.now().strftime("%Y-%m-%d")

    async def release(self, admission: Admission) -> None:
        if admission.reservation is not None:
            await self._limiter.release(admission.reservation)

    # -- steps 4 to 10 ----------------------------------------------------------
    async def send(
        self,
        principal: Principal,
        notification_type: NotificationType,
        body: Any,
        admission: Admission,
    ) -> SendOutcome:
        reservations = [admission.reservation] if admission.reservation else []
        try:
            outcome = await self._send(principal, notification_type, body, reservations)
        except BaseException:
            for reservation in reservations:
                await self._limiter.release(reservation)
            raise
        if not outcome.stored:  # smoke-test recipients use no allowance
            for reservation in reservations:
                await self._limiter.release(reservation)
        return outcome

    async def _send(
        self,
        principal: Principal,
        notification_type: NotificationType,
        body: Any,
        reservations: list[Reservation],
    ) -> SendOutcome:
        data = body if body else {}
        is_sms = notification_type is NotificationType.SMS
        errors = (
            self._schemas.validate_post_sms(data)
            if is_sms
            else self._schemas.validate_post_email(data)
        )
        if errors:
            raise ValidationError([e.message for e in errors])
        forced = await self._apply_faults(principal, notification_type, data)
        service = principal.service
        self._check_permission(service, notification_type)
        template = await self._template(service, data["template_id"], notification_type)
        personalisation: dict[str, Any] = data.get("personalisation") or {}
        self._check_personalisation(template, personalisation)
        sender = self._sender(service, data) if is_sms else None
        reply_to = None if is_sms else self._reply_to(service, data)
        recipient = self._recipient(principal, notification_type, data)
        if (
            recipient.phone is not None
            and not recipient.phone.billable_as_uk
            and principal.key.key_type is not KeyType.TEST
        ):
            # the trial "total" place was taken with the sms one
            reservations.append(
                await self._reserve(service, ["international_sms"], with_total=False)
            )
        notification = self._build(
            principal, template, recipient, data, personalisation, sender, reply_to, forced
        )
        smoke_test = self._profile.simulation.is_smoke_test(notification_type, recipient.normalised)
        if not smoke_test:
            callback = None
            if notification.status is not Status.CREATED:  # immediate timeline: already final
                callback = await self._callbacks.for_status(
                    notification, notification.status, notification.created_at, notification.sent_at
                )
            await self._store.add_notification(notification, callback=callback)
            self.created += 1
            if callback is not None:
                self._on_callback_queued()
            # also tells long-polling readers that something new is stored
            self._on_scheduled(notification.next_action_at or notification.created_at)
            # debug: an info line per send would cost more than the send (issue 4)
            log.debug(
                "notification_created",
                notification_id=notification.id,
                notification_type=notification_type.value,
                recipient=mask_recipient(recipient.to),
                key_type=principal.key.key_type.value,
            )
        from_email = None if is_sms else f"{service.email_sender_local_part}@{self._email_domain}"
        return SendOutcome(notification, from_email, stored=not smoke_test)

    def _check_permission(self, service: Service, notification_type: NotificationType) -> None:
        if notification_type.value not in service.permissions:
            raise BadRequestError(
                self._texts.service_not_allowed.format(plural=_PLURALS[notification_type.value])
            )

    async def _template(
        self, service: Service, template_id: str, notification_type: NotificationType
    ) -> Template:
        entry = await self._directory.entry(service.id)
        template = entry.templates.get(template_id) if entry else None
        if template is None or template.hidden:
            raise BadRequestError(self._texts.template_not_found)
        if template.type is not notification_type:
            raise BadRequestError(
                self._texts.template_wrong_type.format(
                    template_type=template.type.value, notification_type=notification_type.value
                )
            )
        if template.archived:
            raise BadRequestError(self._texts.template_archived)
        return template

    def _check_personalisation(
        self, template: Template, personalisation: Mapping[str, Any]
    ) -> None:
        texts = (template.subject or "", template.body) if template.subject else (template.body,)
        missing = templating.missing_personalisation(personalisation, *texts)
        if missing:
            raise BadRequestError(
                self._texts.missing_personalisation.format(names=", ".join(missing))
            )
        if template.type is not NotificationType.EMAIL and any(
            isinstance(v, Mapping) and "file" in v for v in personalisation.values()
        ):
            raise BadRequestError(self._texts.file_not_email)

    def _sender(self, service: Service, data: Mapping[str, Any]) -> str | None:
        sender_id = data.get("sms_sender_id")
        if sender_id:
            match = next((s for s in service.sms_senders if s.id == sender_id), None)
            if match is None:
                raise BadRequestError(
                    self._texts.sms_sender_missing.format(id=sender_id, service_id=service.id)
                )
            return match.sender
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

    def _recipient(
        self, principal: Principal, notification_type: NotificationType, data: Mapping[str, Any]
    ) -> _Recipient:
        service = principal.service
        if notification_type is NotificationType.SMS:
            to = strip_invisible(data["phone_number"])
            try:
                phone = validate_phone_for_service(
                    to, allow_international=True, allow_uk_landline=True
                )
            except InvalidPhoneNumber as error:  # schema stage already passed; defensive
                raise self._phone_error(error.code) from error
            self._check_allow_list(principal, phone.normalised, is_phone=True)
            self._check_phone_permission(service, to)
            return _Recipient(to, phone.normalised, phone)
        to = strip_invisible(data["email_address"])
        normalised = normalise_email_for_matching(to)
        self._check_allow_list(principal, normalised, is_phone=False)
        return _Recipient(to, normalised, None)

    def _check_allow_list(self, principal: Principal, normalised: str, *, is_phone: bool) -> None:
        key_type = principal.key.key_type
        if key_type is KeyType.TEST:
            return
        if key_type is KeyType.NORMAL and not principal.service.restricted:
            return
        allow = self._allow_lists.for_service(principal.service)
        allowed = allow.allows_phone(normalised) if is_phone else allow.allows_email(normalised)
        if not allowed:
            text = (
                self._texts.team_key_recipient
                if key_type is KeyType.TEAM
                else self._texts.trial_recipient
            )
            raise BadRequestError(text)

    def _check_phone_permission(self, service: Service, to: str) -> None:
        try:
            validate_phone_for_service(
                to,
                allow_international="international_sms" in service.permissions,
                allow_uk_landline="sms_to_uk_landlines" in service.permissions,
            )
        except InvalidPhoneNumber as error:
            raise self._phone_error(error.code) from error

    def _phone_error(self, code: PhoneErrorCode) -> NotifyError:
        text = self._texts.phone[code.value]
        if code is PhoneErrorCode.INTERNATIONAL_NOT_ALLOWED:
            return BadRequestError(text)
        return NotifyError(text, error="InvalidPhoneError")

    def _build(
        self,
        principal: Principal,
        template: Template,
        recipient: _Recipient,
        data: Mapping[str, Any],
        personalisation: dict[str, Any],
        sender: str | None,
        reply_to: str | None,
        forced: FaultRule | None,
    ) -> Notification:
        service = principal.service
        now = self._clock.unique_now()
        is_sms = template.type is NotificationType.SMS
        if is_sms:
            rendered = sms.render_sms(
                template.body, personalisation, prefix=service.name if service.prefix_sms else None
            )
            body, subject, units = rendered.body, None, rendered.fragment_count
            self._check_sms_length(rendered.content_count)
        else:
            body = email_render.email_body(template.body, personalisation)
            subject = email_render.email_subject(template.subject or "", personalisation)
            self._check_email_length(body)
            units = 0
        if not body.strip():
            raise BadRequestError(self._texts.message_empty)
        notification = Notification(
            id=str(uuid.uuid4()),
            service_id=service.id,
            api_key_id=principal.key.id,
            key_type=principal.key.key_type,
            type=template.type,
            status=Status.CREATED,
            to=recipient.to,
            normalised_to=recipient.normalised,
            template_id=template.id,
            template_version=template.version,
            created_at=now,
            body=body,
            subject=subject,
            reference=data.get("reference"),
            billable_units=units,
            international=bool(recipient.phone and recipient.phone.international),
            sender=sender,
            reply_to=reply_to,
            unsubscribe_url=data.get("one_click_unsubscribe_url"),
        )
        # kept for every key type: the inspection API renders the email HTML from it
        notification.personalisation = personalisation
        self._plan(notification, forced)
        return notification

    def _check_sms_length(self, count: int) -> None:
        # Notify counts the filled text before sanitising, without the prefix
        if count > self._profile.sms_char_limit:
            raise BadRequestError(
                self._texts.sms_too_long.format(limit=self._profile.sms_char_limit, count=count)
            )

    def _check_email_length(self, body: str) -> None:
        size = len(body.encode("utf-8"))
        if size > self._profile.email_max_bytes:
            raise BadRequestError(
                self._texts.email_too_long.format(limit=self._profile.email_max_bytes, count=size)
            )

    def _plan(self, notification: Notification, forced: FaultRule | None) -> None:
        """Decide the notification's path: the simulator for test keys, providers otherwise."""
        now = notification.created_at
        if forced is not None:
            notification.planned_status = forced.status or Status.TECHNICAL_FAILURE
            notification.status_detail = f"fault injected: {forced.effect} ({forced.id})"
        if notification.key_type is not KeyType.TEST:
            notification.next_action_at = now
            return
        outcome = self._profile.simulation.outcome_for(notification.type, notification.to)
        if forced is not None:
            status = notification.planned_status
            outcome = MagicOutcome(status, terminal=status is not Status.PENDING)
        notification.planned_status = outcome.status
        if self._timing.immediate and outcome.extra_delay == 0 and outcome.terminal:
            notification.status = outcome.status
            notification.sent_at = notification.updated_at = now
            return
        notification.next_action_at = now + timedelta(seconds=self._timing.sending_delay)

    async def _apply_faults(
        self, principal: Principal, notification_type: NotificationType, data: Mapping[str, Any]
    ) -> FaultRule | None:
        """Latency and HTTP errors act now; a forced status is returned for the plan."""
        field = "phone_number" if notification_type is NotificationType.SMS else "email_address"
        fired = self._faults.fire(
            principal.service.id, notification_type.value, str(data.get(field, ""))
        )
        forced = None
        for rule in fired:
            if rule.effect == "latency" and rule.latency_ms:
                await asyncio.sleep(rule.latency_ms / 1000)
            elif rule.effect == "http_error":
                raise self._injected_error(principal, rule.http_status or 500)
            elif forced is None:
                forced = rule
        return forced

    def _injected_error(self, principal: Principal, status: int) -> NotifyError:
        if status == 429:
            key_type = principal.key.key_type.shouty
            text = self._texts.rate_limited.format(
                key_type=key_type, limit=principal.service.rate_limit
            )
            return NotifyError(
                text, status_code=429, error="RateLimitError", headers={"Retry-After": "1"}
            )
        if status == 503:
            return NotifyError(
                "Service Unavailable", status_code=503, error="ServiceUnavailableError"
            )
        return NotifyError("Internal server error", status_code=500, error="Exception")

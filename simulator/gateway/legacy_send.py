"""GC's v1 send, ``POST /notifications/sms|email`` (cds-snc/notification-api
``app/notifications/rest.py`` ``send_notification``).

The same use case as the v2 send (:class:`SendService`: its rate step, phone networks,
senders, and the one way a notification is stored), in v1's order and with v1's texts:
the form, the rate limit, the template (404 ``No result found`` when it is not the
service's), the email allowances (GC checks them for every email of a non-test key,
simulated recipients too), the template's type and state, the personalisation and the
612 limit on the unprefixed text, the team and trial allow-list, the service's
permission, international numbers, then the SMS allowances (not for simulated
recipients). Refusals that GC files under a field come back as ``{field: [text]}``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.domain.errors import LegacyInvalidRequest, NotifyError
from simulator.domain.legacy_v1 import LegacyRules, LegacySendForm, read_send_form
from simulator.domain.models import KeyType, NotificationType
from simulator.domain.phone_rules import phone_error_text
from simulator.domain.profiles import Profile
from simulator.domain.recipients import (
    InvalidEmailAddress,
    InvalidPhoneNumber,
    validate_email_address,
)
from simulator.domain.send_steps import SendStep
from simulator.domain.sms import render_sms_body
from simulator.domain.templating import missing_personalisation
from simulator.gateway.allowances import Allowances
from simulator.gateway.auth import Principal
from simulator.gateway.content import ContentChecks
from simulator.gateway.recipient_checks import RecipientChecks
from simulator.gateway.send import SendContext, SendOutcome, SendService, SendStepRunner

__all__ = ["LegacySendService"]

_TYPES = {"sms": NotificationType.SMS, "email": NotificationType.EMAIL}
_PLURALS = {NotificationType.SMS: "text messages", NotificationType.EMAIL: "emails"}


class LegacySendService:
    def __init__(
        self,
        *,
        profile: Profile,
        rules: LegacyRules,
        sender: SendService,
        allowances: Allowances,
        content: ContentChecks,
        recipients: RecipientChecks,
    ) -> None:
        self._profile = profile
        self._rules = rules
        self._texts = rules.texts
        self._sender = sender
        self._allowances = allowances
        self._content = content
        self._recipients = recipients
        self._steps: list[SendStepRunner] = [
            sender.step(SendStep.FAULTS),
            sender.step(SendStep.RATE),
            self._template,
            self._email_allowances,
            self._template_usable,
            self._personalisation,
            self._allow_list,
            self._permission,
            self._recipient,
            self._sms_allowances,
            sender.step(SendStep.PHONE_NETWORK),
            sender.step(SendStep.SENDERS),
        ]

    def notification_type(self, type_name: str) -> NotificationType:
        """The route's type, before the body is read, as GC checks it."""
        found = _TYPES.get(type_name)
        if found is None:
            text = self._texts.type_not_supported.format(type=type_name)
            if type_name == "letter":
                text += self._texts.letter_hint
            raise NotifyError(text, error="InvalidRequest")
        return found

    async def send(
        self, principal: Principal, notification_type: NotificationType, body: Any
    ) -> tuple[SendOutcome, LegacySendForm]:
        is_sms = notification_type is NotificationType.SMS
        form = read_send_form(
            body, is_sms=is_sms, rules=self._rules, check_to=self._to_refusal(is_sms)
        )
        if not isinstance(form, LegacySendForm):
            raise LegacyInvalidRequest(form)
        data = {
            "phone_number" if is_sms else "email_address": form.to,
            "template_id": form.template_id,
            "personalisation": form.personalisation,
        }
        outcome = await self._sender.send(principal, notification_type, data, steps=self._steps)
        return outcome, form

    def _to_refusal(self, is_sms: bool) -> Callable[[str], str | None]:
        profile = self._profile

        def check(to: str) -> str | None:
            try:
                if is_sms:
                    profile.phones.parse(to)  # validate_phone_number(international=True)
                else:
                    validate_email_address(to, profile.email_rules)
            except InvalidPhoneNumber as error:
                return phone_error_text(profile.messages.phone, error)
            except InvalidEmailAddress:
                return profile.messages.invalid_email
            return None

        return check

    # -- the steps only v1 has -------------------------------------------------------------
    async def _template(self, ctx: SendContext) -> None:
        ctx.personalisation = dict(ctx.data["personalisation"])
        template = await self._content.find(ctx.service, ctx.data["template_id"])
        if template is None:  # dao_get_template_by_id_and_service_id: NoResultFound
            raise self._profile.messages.no_result_error()
        ctx.template = template

    async def _email_allowances(self, ctx: SendContext) -> None:
        # GC: `not simulated != key_type == KEY_TYPE_TEST` reads as "not a test key"
        if ctx.type is NotificationType.EMAIL and ctx.principal.key.key_type is not KeyType.TEST:
            ctx.reservations += await self._allowances.reserve_planned(ctx.service, "email", 1)

    async def _template_usable(self, ctx: SendContext) -> None:
        assert ctx.template is not None
        self._content.check_usable(ctx.template, ctx.type)

    async def _personalisation(self, ctx: SendContext) -> None:
        template = ctx.template
        assert template is not None
        texts = (template.subject or "", template.body) if template.subject else (template.body,)
        missing = missing_personalisation(ctx.personalisation, *texts)
        if missing:
            text = self._texts.missing_personalisation.format(names=", ".join(missing))
            raise LegacyInvalidRequest({"template": [text]})
        if ctx.type is NotificationType.SMS:
            plain = render_sms_body(template.body, ctx.personalisation)
            limit = self._rules.sms_char_limit
            if len(plain.encode("utf-8")) > limit:
                text = self._texts.content_too_long.format(limit=limit)
                raise LegacyInvalidRequest({"content": [text]})
        ctx.rendered = self._content.render(ctx.service, template, ctx.personalisation, check=False)

    async def _allow_list(self, ctx: SendContext) -> None:
        to = ctx.data["phone_number" if ctx.type is NotificationType.SMS else "email_address"]
        if not self._recipients.may_send_to(ctx.principal, ctx.type, to):
            texts = self._profile.messages
            team = ctx.principal.key.key_type is KeyType.TEAM
            text = texts.team_key_recipient if team else texts.trial_recipient
            raise LegacyInvalidRequest({"to": [text.format(service_id=ctx.service.id)]})

    async def _permission(self, ctx: SendContext) -> None:
        if ctx.type.value not in ctx.service.permissions:
            text = self._texts.cannot_send.format(plural=_PLURALS[ctx.type])
            raise LegacyInvalidRequest({"service": [text]})

    async def _recipient(self, ctx: SendContext) -> None:
        try:
            ctx.recipient = self._recipients.check(ctx.principal, ctx.type, ctx.data)
        except NotifyError as error:  # international numbers without the permission
            raise LegacyInvalidRequest({"to": [error.message]}) from None

    async def _sms_allowances(self, ctx: SendContext) -> None:
        recipient = ctx.recipient
        if (
            ctx.type is not NotificationType.SMS
            or ctx.principal.key.key_type is KeyType.TEST
            or recipient is None
            or recipient.simulated
        ):
            return
        units = ctx.rendered.units if ctx.rendered else 1
        ctx.reservations += await self._allowances.reserve_planned(ctx.service, "sms", units)

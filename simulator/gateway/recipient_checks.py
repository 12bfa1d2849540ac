"""The recipient step of a send: allow-list, then the number against the service.

Contract 2.1 and 5.1.

The profile's phone rules decide how numbers are read and compared; its texts say
what a refusal reads like.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulator.domain.errors import BadRequestError, NotifyError
from simulator.domain.models import KeyType, NotificationType, Service
from simulator.domain.phone_rules import phone_error_text
from simulator.domain.profiles import Profile
from simulator.domain.recipients import (
    InvalidEmailAddress,
    InvalidPhoneNumber,
    PhoneErrorCode,
    PhoneNumber,
    normalise_email_for_matching,
    strip_invisible,
    validate_email_address,
)
from simulator.gateway.allow_list import AllowListCache
from simulator.gateway.auth import Principal

__all__ = ["Recipient", "RecipientChecks"]


@dataclass(frozen=True, slots=True)
class Recipient:
    to: str
    normalised: str
    phone: PhoneNumber | None
    simulated: bool  # a smoke-test recipient: answered, never stored


class RecipientChecks:
    def __init__(self, profile: Profile) -> None:
        self._profile = profile
        self._texts = profile.messages
        self._phones = profile.phones
        self._allow_lists = AllowListCache(phone_key=profile.phones.allow_list_key)

    def check(
        self, principal: Principal, notification_type: NotificationType, data: Mapping[str, Any]
    ) -> Recipient:
        simulation = self._profile.simulation
        if notification_type is NotificationType.SMS:
            to = strip_invisible(data["phone_number"])
            phone = self._phone(lambda: self._phones.parse(to))  # the schema passed it already
            simulated = simulation.is_smoke_test(notification_type, phone.normalised)
            key = self._phones.allow_list_key(to)
            self._check_allow_list(principal, key, is_phone=True, simulated=simulated)
            permissions = principal.service.permissions
            phone = self._phone(
                lambda: self._phones.for_service(
                    to,
                    allow_international="international_sms" in permissions,
                    allow_uk_landline="sms_to_uk_landlines" in permissions,
                )
            )
            return Recipient(to, phone.normalised, phone, simulated)
        to = strip_invisible(data["email_address"])
        normalised = normalise_email_for_matching(to)
        simulated = simulation.is_smoke_test(notification_type, normalised)
        self._check_allow_list(principal, normalised, is_phone=False, simulated=simulated)
        return Recipient(to, normalised, None, simulated)

    # -- a bulk job's rows (contract 3.9): answers rather than refusals -----------------
    def row_recipient(
        self, service: Service, notification_type: NotificationType, raw: str
    ) -> Recipient | None:
        """A row's recipient, checked as a single send's would be; None when not valid."""
        to = strip_invisible(raw)
        if notification_type is NotificationType.SMS:
            permissions = service.permissions
            try:
                phone = self._phones.for_service(
                    to,
                    allow_international="international_sms" in permissions,
                    allow_uk_landline="sms_to_uk_landlines" in permissions,
                )
            except InvalidPhoneNumber:
                return None
            simulated = self._profile.simulation.is_smoke_test(notification_type, phone.normalised)
            return Recipient(to, phone.normalised, phone, simulated)
        try:
            validate_email_address(to, self._profile.email_rules)
        except InvalidEmailAddress:
            return None
        normalised = normalise_email_for_matching(to)
        simulated = self._profile.simulation.is_smoke_test(notification_type, normalised)
        return Recipient(to, normalised, None, simulated)

    def may_send_to(
        self, principal: Principal, notification_type: NotificationType, raw: str
    ) -> bool:
        """Whether the key may reach this recipient (the team and trial allow-list)."""
        key_type = principal.key.key_type
        if key_type is KeyType.TEST or (
            key_type is KeyType.NORMAL and not principal.service.restricted
        ):
            return True
        to = strip_invisible(raw)
        recipient = self.row_recipient(principal.service, notification_type, to)
        simulated = recipient is not None and recipient.simulated
        if notification_type is NotificationType.SMS:
            key = self._phones.allow_list_key(to)
            return self._allowed(principal, key, is_phone=True, simulated=simulated)
        key = normalise_email_for_matching(to)
        return self._allowed(principal, key, is_phone=False, simulated=simulated)

    def _allowed(
        self, principal: Principal, key: str | None, *, is_phone: bool, simulated: bool
    ) -> bool:
        key_type = principal.key.key_type
        if key_type is KeyType.TEST:
            return True
        if key_type is KeyType.NORMAL and not principal.service.restricted:
            return True
        if simulated and self._profile.simulated_recipients_always_allowed:
            return True
        allow = self._allow_lists.for_service(principal.service)
        return key is not None and (
            allow.allows_phone(key) if is_phone else allow.allows_email(key)
        )

    def _check_allow_list(
        self, principal: Principal, key: str | None, *, is_phone: bool, simulated: bool
    ) -> None:
        if not self._allowed(principal, key, is_phone=is_phone, simulated=simulated):
            key_type = principal.key.key_type
            text = (
                self._texts.team_key_recipient
                if key_type is KeyType.TEAM
                else self._texts.trial_recipient
            )
            raise BadRequestError(text.format(service_id=principal.service.id))

    def _phone(self, check: Any) -> PhoneNumber:
        try:
            result: PhoneNumber = check()
        except InvalidPhoneNumber as error:
            raise self.phone_error(error) from error
        return result

    def phone_error(self, error: InvalidPhoneNumber) -> NotifyError:
        text = phone_error_text(self._texts.phone, error)
        if error.code is PhoneErrorCode.INTERNATIONAL_NOT_ALLOWED:
            return BadRequestError(text)
        return NotifyError(text, error="InvalidPhoneError")

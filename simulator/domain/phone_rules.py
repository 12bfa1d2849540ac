"""Which phone-number rules a profile uses: GOV.UK's (GB first) or GC's (North America first).

A profile holds one :class:`PhoneRules`; the send path, the schema check and the
allow-list ask it instead of calling a country's functions directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from simulator.domain.recipients import (
    InvalidPhoneNumber,
    PhoneNumber,
    normalise_phone_for_matching,
    parse_phone_number,
    validate_phone_for_service,
)

__all__ = ["UK_PHONES", "PhoneRules", "UkPhoneRules", "phone_error_text"]


class PhoneRules(Protocol):
    def parse(self, raw: str) -> PhoneNumber:
        """The schema stage (international numbers allowed); raises InvalidPhoneNumber."""
        ...

    def for_service(
        self, raw: str, *, allow_international: bool, allow_uk_landline: bool
    ) -> PhoneNumber:
        """The recipient stage, against the service's permissions."""
        ...

    def allow_list_key(self, raw: str) -> str | None:
        """The form both sides of an allow-list comparison take; None: never matches."""
        ...

    def chosen_sender(self, raw: str) -> str:
        """How a sender picked with sms_sender_id is recorded."""
        ...

    def display_sender(self, sender: str) -> str:
        """``content.from_number`` for a recorded sender."""
        ...


def phone_error_text(texts: Mapping[str, str], error: InvalidPhoneNumber) -> str:
    return texts[error.code.value].format(prefix=error.prefix or "")


class UkPhoneRules:
    """GOV.UK Notify (contract 5.1): numbers normalised to digits without '+'."""

    def parse(self, raw: str) -> PhoneNumber:
        return parse_phone_number(raw)

    def for_service(
        self, raw: str, *, allow_international: bool, allow_uk_landline: bool
    ) -> PhoneNumber:
        return validate_phone_for_service(
            raw, allow_international=allow_international, allow_uk_landline=allow_uk_landline
        )

    def allow_list_key(self, raw: str) -> str | None:
        return normalise_phone_for_matching(raw)

    def chosen_sender(self, raw: str) -> str:
        return raw

    def display_sender(self, sender: str) -> str:
        # phone-number senders are shown as digits without '+'; names as they are
        if any(ch.isalpha() for ch in sender):
            return sender
        return normalise_phone_for_matching(sender) or sender


UK_PHONES = UkPhoneRules()

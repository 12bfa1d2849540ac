"""GC Notify's phone rules: North America first, E.164 with '+' (contract 5.1, GC list).

GC (notifications-utils ``validate_phone_number``) looks for a number *inside* the
text with libphonenumber's matcher, first as a number of the default region (US,
country code 1), then, for international sends, anywhere in the world. The facts
are from the contract; the code is ours.
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

from simulator.domain.recipients import (
    InvalidPhoneNumber,
    PhoneErrorCode,
    PhoneNumber,
    is_billable_country_code,
)

__all__ = ["GC_PHONES", "NorthAmericanPhoneRules"]

_E164 = phonenumbers.PhoneNumberFormat.E164


class NorthAmericanPhoneRules:
    def __init__(self, region: str = "US", country_code: int = 1) -> None:
        self._region = region
        self._country_code = country_code
        # recipients recur (team lists, load tests); exceptions are not cached
        self._validate = lru_cache(maxsize=4096)(self._validate_uncached)

    def _first_match(self, raw: str, region: str | None) -> phonenumbers.PhoneNumber | None:
        # only the first number found counts, and with a region it must be a local one
        for match in phonenumbers.PhoneNumberMatcher(raw, region):
            number = match.number
            if region is not None and number.country_code != self._country_code:
                return None
            return number
        return None

    def validate(self, raw: str, *, international: bool) -> str:
        """The E.164 form (with '+'); raises InvalidPhoneNumber with GC's codes."""
        return self._validate(raw, international)

    def _validate_uncached(self, raw: str, international: bool) -> str:
        if ";" in raw:
            raise InvalidPhoneNumber(PhoneErrorCode.NOT_VALID_NUMBER)
        local = self._first_match(raw, self._region)
        if not international or local is not None:
            if local is None:
                raise InvalidPhoneNumber(PhoneErrorCode.NOT_VALID_LOCAL)
            return phonenumbers.format_number(local, _E164)
        number = self._first_match(raw, None)
        if number is None:
            raise InvalidPhoneNumber(PhoneErrorCode.NOT_VALID_INTERNATIONAL)
        e164 = phonenumbers.format_number(number, _E164)
        if len(e164) < 8:
            raise InvalidPhoneNumber(PhoneErrorCode.TOO_SHORT)
        return e164

    def _describe(self, e164: str) -> PhoneNumber:
        number = phonenumbers.parse(e164, None)
        domestic = number.country_code == self._country_code
        return PhoneNumber(
            normalised=e164,
            international=not domestic,
            country_prefix=str(number.country_code),
            is_uk_landline=False,
            billable_as_uk=domestic,
        )

    def parse(self, raw: str) -> PhoneNumber:
        return self._describe(self.validate(raw, international=True))

    def for_service(
        self, raw: str, *, allow_international: bool, allow_uk_landline: bool
    ) -> PhoneNumber:
        del allow_uk_landline  # GC has no landline permission
        phone = self.parse(raw)
        if not is_billable_country_code(phone.country_prefix):
            raise InvalidPhoneNumber(PhoneErrorCode.COUNTRY_NOT_SUPPORTED, phone.country_prefix)
        if phone.international and not allow_international:
            raise InvalidPhoneNumber(PhoneErrorCode.INTERNATIONAL_NOT_ALLOWED)
        return phone

    def allow_list_key(self, raw: str) -> str | None:
        # GC's format_recipient: a local number in E.164, anything else compared as written
        try:
            return self.validate(raw, international=False)
        except InvalidPhoneNumber:
            return raw

    def chosen_sender(self, raw: str) -> str:
        return self.allow_list_key(raw) or raw

    def display_sender(self, sender: str) -> str:
        return sender


GC_PHONES = NorthAmericanPhoneRules()

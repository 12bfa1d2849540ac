"""A letter's address: its lines, its postcode or country, and Notify's checks.

Facts from alphagov/notifications-utils ``recipient_validation/postal_address.py``
(``PostalAddress``: 3 to 7 lines, BFPO, trailing UK country names, the postcode pattern,
the characters no line may start with, "no fixed abode") and alphagov/notifications-api
``app/notifications/validators.py`` (``validate_address``: the order of the checks, the texts,
and the postage: only an international address sets it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from simulator.domain.countries import UK, Countries
from simulator.domain.errors import ValidationError
from simulator.domain.templating import normalise_whitespace

__all__ = ["ADDRESS_KEYS", "AddressTexts", "PostalAddress", "validate_address"]

MIN_LINES, MAX_LINES = 3, 7
_LINE_KEYS = tuple(f"address_line_{n}" for n in range(1, 7))
ADDRESS_KEYS = (*_LINE_KEYS, "address_line_7", "postcode")
_BAD_FIRST_CHARACTERS = tuple('@()=[]"\\/,<>~')
_BFPO = re.compile(r"^\s*bfpo\s*(?:c/o)?(?:\s*(\d+))?\s*$")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"(?<![ \t])[ \t]+([,.])")
_ALPHANUMERIC = re.compile(r"[a-zA-Z0-9]")
_NO_FIXED_ABODE = re.compile(r"no fixed (abode|address)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class AddressTexts:
    too_few_lines: str = "Address must be at least {n} lines"
    too_many_lines: str = "Address must be no more than {n} lines"
    first_two_lines: str = (
        "The first 2 lines of the address must both include at least one alphanumeric character"
    )
    bfpo_with_country: str = "The last line of a BFPO address must not be a country."
    not_uk_postcode: str = "Must be a real UK postcode"
    not_postcode_or_country: str = (
        "Last line of address must be a real UK postcode or another country"
    )
    bad_first_character: str = (
        "Address lines must not start with any of the following characters: "
        "@ ( ) = [ ] \u201d \\ / , < >"
    )
    no_fixed_abode: str = "Must be a real address"


def _tidy(line: str) -> str:
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", normalise_whitespace(line).rstrip(" ,"))


class PostalAddress:
    def __init__(self, raw: str, countries: Countries, zones: Sequence[str]) -> None:
        self._countries = countries
        self._zones = zones
        lines = [_tidy(line) for line in raw.splitlines()]
        lines = [line for line in lines if line] or [""]
        self.bfpo, lines = self._extract_bfpo(lines)
        trailing_uk = 0
        for line in reversed(lines):
            if countries.canonical(line) != UK:
                break
            trailing_uk += 1
        last = countries.canonical(lines[-1])
        self.country = last or UK
        self._body = lines[: -(trailing_uk or 1)] if last else lines

    @classmethod
    def from_personalisation(
        cls, values: Mapping[str, Any], countries: Countries, zones: Sequence[str]
    ) -> PostalAddress:
        keys = (*_LINE_KEYS, "address_line_7" if "address_line_7" in values else "postcode")
        return cls("\n".join(str(values.get(k) or "") for k in keys), countries, zones)

    @staticmethod
    def _extract_bfpo(lines: list[str]) -> tuple[int | None, list[str]]:
        matches = [_BFPO.match(line.lower()) for line in lines]
        for match in matches:
            if match and match.group(1):
                kept = [line for line, m in zip(lines, matches, strict=True) if not m]
                return int(match.group(1)), kept
        return None, lines

    @property
    def postage_zone(self) -> str:
        return self._countries.postage_zone(self.country)

    @property
    def international(self) -> bool:
        return self.postage_zone != "united-kingdom"

    @property
    def postcode(self) -> str | None:
        if self.international or not self._body:
            return None
        compact = "".join(self._body[-1].split()).upper()
        zones = "|".join(self._zones)
        if not re.fullmatch(rf"({zones})[0-9][0-9A-Z]?[0-9][A-BD-HJLNP-UW-Z]{{2}}", compact):
            return None
        return f"{compact[:-3]} {compact[-3:]}"

    @property
    def lines(self) -> list[str]:
        """The normalised lines, as Notify stores them in ``to`` and prints them."""
        body, postcode = self._body, self.postcode
        if self.bfpo is not None:
            if self.international:
                return [*body, f"BFPO {self.bfpo}", self.country]
            if postcode:
                return [*body[:-1], postcode, f"BFPO {self.bfpo}"]
            return [*body, f"BFPO {self.bfpo}"]
        if self.international:
            return [*body, self.country]
        return [*body[:-1], postcode] if postcode else list(body)

    def valid_last_line(self, allow_international: bool) -> bool:
        if self.bfpo is not None:
            return self.postcode is not None or not self.international
        return (allow_international and self.international) or self.postcode is not None


def validate_address(
    values: Mapping[str, Any],
    *,
    countries: Countries,
    zones: Sequence[str],
    allow_international: bool,
    texts: AddressTexts,
) -> PostalAddress:
    """Notify's checks in Notify's order; the first that fails is the error."""
    address = PostalAddress.from_personalisation(values, countries, zones)
    lines = address.lines
    problem = None
    if len(lines) < MIN_LINES:
        problem = texts.too_few_lines.format(n=MIN_LINES)
    elif len(lines) > MAX_LINES:
        problem = texts.too_many_lines.format(n=MAX_LINES)
    elif not all(_ALPHANUMERIC.search(line) for line in lines[:2]):
        problem = texts.first_two_lines
    elif address.bfpo is not None and address.international:
        problem = texts.bfpo_with_country
    elif not address.valid_last_line(allow_international):
        problem = texts.not_postcode_or_country if allow_international else texts.not_uk_postcode
    elif any(line.startswith(_BAD_FIRST_CHARACTERS) for line in lines):
        problem = texts.bad_first_character
    elif any(line.lower() == "nfa" for line in lines) or _NO_FIXED_ABODE.search("\n".join(lines)):
        problem = texts.no_fixed_abode
    if problem is not None:
        raise ValidationError([problem])
    return address

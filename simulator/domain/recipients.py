"""
Recipient validation: phone numbers and email addresses.

Mirrors GOV.UK Notify's rules (NOTIFY_CONTRACT.md sections 5.1 and 5.2) as pure functions.
Error *codes* live here; the texts shown to API clients live with the other Notify messages,
so this module never builds a message string.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import enum
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import phonenumbers
from phonenumbers import PhoneNumberType, ValidationResult

__all__ = [
    "GC_EMAIL_RULES",
    "UK_EMAIL_RULES",
    "EmailRules",
    "InvalidEmailAddress",
    "InvalidPhoneNumber",
    "PhoneErrorCode",
    "PhoneNumber",
    "is_billable_country_code",
    "is_uk_tv_number",
    "normalise_email_for_matching",
    "normalise_phone_for_matching",
    "parse_phone_number",
    "strip_invisible",
    "validate_email_address",
    "validate_phone_for_service",
]


class PhoneErrorCode(enum.StrEnum):
    """Why a phone number was refused; the API layer maps each code to Notify's text."""

    INVALID_NUMBER = "INVALID_NUMBER"
    TOO_LONG = "TOO_LONG"
    TOO_SHORT = "TOO_SHORT"
    NOT_A_UK_MOBILE = "NOT_A_UK_MOBILE"
    UNKNOWN_CHARACTER = "UNKNOWN_CHARACTER"
    UNSUPPORTED_COUNTRY_CODE = "UNSUPPORTED_COUNTRY_CODE"
    UNSUPPORTED_EMERGENCY_NUMBER = "UNSUPPORTED_EMERGENCY_NUMBER"
    # Permission stage only: Notify answers BadRequestError, not InvalidPhoneError, for this one.
    INTERNATIONAL_NOT_ALLOWED = "INTERNATIONAL_NOT_ALLOWED"
    # GC Notify's North American rules (contract 5.1, GC list)
    NOT_VALID_INTERNATIONAL = "NOT_VALID_INTERNATIONAL"
    NOT_VALID_LOCAL = "NOT_VALID_LOCAL"
    NOT_VALID_NUMBER = "NOT_VALID_NUMBER"
    NUMBER_NONE = "NUMBER_NONE"
    COUNTRY_NOT_SUPPORTED = "COUNTRY_NOT_SUPPORTED"  # its text names the prefix


class InvalidPhoneNumber(ValueError):
    """A phone number failed validation; ``code`` says which rule."""

    code: PhoneErrorCode
    prefix: str | None  # the country prefix, for COUNTRY_NOT_SUPPORTED

    def __init__(self, code: PhoneErrorCode, prefix: str | None = None) -> None:
        # PhoneErrorCode(...) also accepts the plain string that pickling passes back in.
        self.code = PhoneErrorCode(code)
        self.prefix = prefix
        super().__init__(self.code.value)


class InvalidEmailAddress(ValueError):
    """
    An email address failed validation (Notify has a single text for every rule).

    Raised without arguments: the address must not reach logs through ``str(error)``.
    """


# --- shared text clean-up ------------------------------------------------------------------

# Invisible to Notify: zero-width characters, line/paragraph separators and no-break spaces.
_ZERO_WIDTH: Final = "\u180e\u200b\u200c\u200d\u2060\ufeff\u2028\u2029"
_NO_BREAK_SPACES: Final = "\u00a0\u202f"
_INVISIBLE: Final = _ZERO_WIDTH + _NO_BREAK_SPACES
_DELETE_INVISIBLE: Final = str.maketrans(dict.fromkeys(_INVISIBLE))


def strip_invisible(value: str) -> str:
    """
    Remove invisible characters anywhere in ``value``, then trim ASCII whitespace at both ends.

    Zero-width characters and no-break spaces (U+200B, U+200C, U+200D, U+2060, U+FEFF, U+00A0,
    U+202F, ...) are deleted wherever they occur, as Notify does, because pasted addresses often
    carry them in the middle as well as at the ends.
    """
    return value.translate(_DELETE_INVISIBLE).strip(string.whitespace)


# --- phone numbers -------------------------------------------------------------------------

_UK_COUNTRY_CODE: Final = 44

_ALLOWED_PHONE_CHARS: Final = frozenset(string.whitespace + _INVISIBLE + "()-+0123456789")

# "Thorough normalisation" for the second attempt: ASCII-fold dashes and invisible characters,
# and drop every "+" (the caller then strips leading zeros).
_THOROUGH_TABLE: Final = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
        **dict.fromkeys(_ZERO_WIDTH, None),
        **dict.fromkeys(_NO_BREAK_SPACES, " "),
        "+": None,
    }
)

_ALLOWED_TYPES: Final = frozenset(
    {
        PhoneNumberType.FIXED_LINE,
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
        PhoneNumberType.UAN,
        PhoneNumberType.PERSONAL_NUMBER,
    }
)
_LANDLINE_TYPES: Final = frozenset(
    {PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.UAN}
)

_POSSIBILITY_ERRORS: Final = {
    ValidationResult.TOO_LONG: PhoneErrorCode.TOO_LONG,
    ValidationResult.TOO_SHORT: PhoneErrorCode.TOO_SHORT,
    # A number that is only possible without its area code is, in effect, too short.
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: PhoneErrorCode.TOO_SHORT,
    ValidationResult.INVALID_COUNTRY_CODE: PhoneErrorCode.UNSUPPORTED_COUNTRY_CODE,
}


# Ofcom's drama numbers fail libphonenumber's validity check. Notify's pattern was meant to be
# 07700 900xxx, but its character class lets any digit follow "7700", so we accept the same.
_UK_TV_NATIONAL: Final = re.compile(r"7700\d")
_UK_TV_NORMALISED: Final = re.compile(r"447700\d")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Country prefixes in Notify's international billing table (UK-UTILS
# international_billing_rates.yml). Numbers outside it are refused as UNSUPPORTED_COUNTRY_CODE.
_SUPPORTED_COUNTRY_CODES: Final = _words(
    """
    1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58
    60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98
    211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 235 236
    237 238 239 240 241 242 243 244 245 246 248 249 250 251 252 253 254 255 256 257 258 260
    261 262 263 264 265 266 267 268 269 291 297 298 299 350 351 352 353 354 355 356 357 358
    359 370 371 372 373 374 375 376 377 378 380 381 382 383 385 386 387 389 420 421 423 500
    501 502 503 504 505 506 507 508 509 590 591 592 593 594 595 596 597 598 599 670 672 673
    674 675 676 677 678 679 680 681 682 683 685 686 687 689 690 691 692 852 853 855 856 880
    886 960 961 962 963 964 965 966 967 968 970 971 972 973 974 975 976 977 992 993 994 995
    996 998
    """
)
# North American Numbering Plan members billed separately, keyed by "1" + area code.
_NANP_BILLING_PREFIXES: Final = _words(
    """
    1242 1246 1264 1268 1284 1345 1441 1473 1649 1664 1684 1721 1758 1767 1784 1868 1869 1876
    """
)
_BILLING_PREFIXES: Final = _SUPPORTED_COUNTRY_CODES | _NANP_BILLING_PREFIXES


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A phone number that passed schema-stage validation."""

    normalised: str
    """E.164 digits without the "+", e.g. ``447700900123`` (Notify's ``normalised_to``)."""
    international: bool
    """True for non-+44 numbers and for crown dependencies (Jersey, Guernsey, Isle of Man)."""
    country_prefix: str
    """Billing prefix: the country code, or "1" + area code for separately billed NANP members."""
    is_uk_landline: bool
    billable_as_uk: bool
    """True for every +44 number, crown dependencies included (permission check, daily limit)."""


def parse_phone_number(raw: str) -> PhoneNumber:
    """
    Validate a phone number as Notify's schema stage does (international and landlines allowed).

    Raises :class:`InvalidPhoneNumber`.
    """
    return _parse_supported(raw)


def validate_phone_for_service(
    raw: str, *, allow_international: bool, allow_uk_landline: bool
) -> PhoneNumber:
    """Validate a phone number, then check it against the service's SMS permissions."""
    phone = _parse_supported(raw)
    if not phone.billable_as_uk and not allow_international:
        raise InvalidPhoneNumber(PhoneErrorCode.INTERNATIONAL_NOT_ALLOWED)
    if phone.is_uk_landline and not allow_uk_landline:
        raise InvalidPhoneNumber(PhoneErrorCode.NOT_A_UK_MOBILE)
    return phone


def normalise_phone_for_matching(raw: str) -> str | None:
    """Normalised digits for comparing with allow-lists; ``None`` if ``raw`` is not a number."""
    try:
        return _parse_cached(raw).normalised
    except InvalidPhoneNumber:
        return None


def is_billable_country_code(prefix: str) -> bool:
    """Whether a country prefix is in Notify's international billing table."""
    return prefix in _BILLING_PREFIXES


def is_uk_tv_number(normalised: str) -> bool:
    """Whether normalised digits (``44...``) fall in the Ofcom drama range Notify accepts."""
    return _UK_TV_NORMALISED.match(normalised) is not None


def _parse_supported(raw: str) -> PhoneNumber:
    phone = _parse_cached(raw)
    # Kept out of the cached parse because allow-list matching (format_recipient) skips it.
    if phone.country_prefix not in _BILLING_PREFIXES:
        raise InvalidPhoneNumber(PhoneErrorCode.UNSUPPORTED_COUNTRY_CODE)
    return phone


# Results are immutable, and the same recipients recur (team lists, load tests); exceptions are
# not cached, so bad input is simply re-checked.
@lru_cache(maxsize=4096)
def _parse_cached(raw: str) -> PhoneNumber:
    try:
        number, number_type = _parse_attempt(raw)
    except InvalidPhoneNumber:
        # Spreadsheets mangle numbers ("0+44...", "+07700..."); give them one more chance.
        number, number_type = _parse_attempt(raw.translate(_THOROUGH_TABLE).lstrip("0"))
    return _describe(number, number_type)


def _parse_attempt(raw: str) -> tuple[phonenumbers.PhoneNumber, int]:
    # Stricter than libphonenumber, which would read letters as keypad digits.
    if not _ALLOWED_PHONE_CHARS.issuperset(raw):
        raise InvalidPhoneNumber(PhoneErrorCode.UNKNOWN_CHARACTER)
    if not raw:
        raise InvalidPhoneNumber(PhoneErrorCode.TOO_SHORT)
    number = _parse_as_gb(raw)
    # Notify keeps its emergency-number error for a service's own contact number; as a
    # recipient, 999 or 112 is simply too short, so the possibility check answers
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != ValidationResult.IS_POSSIBLE:
        forced = _parse_as_international(raw)
        if forced is None:
            raise InvalidPhoneNumber(_POSSIBILITY_ERRORS.get(reason, PhoneErrorCode.INVALID_NUMBER))
        number = forced
    # number_type is UNKNOWN for invalid numbers, so this one call also stands in for is_valid.
    number_type = phonenumbers.number_type(number)
    if number_type not in _ALLOWED_TYPES and not _is_uk_tv(number):
        raise InvalidPhoneNumber(PhoneErrorCode.INVALID_NUMBER)
    return number, number_type


def _parse_as_gb(raw: str) -> phonenumbers.PhoneNumber:
    try:
        return phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException as error:
        raise InvalidPhoneNumber(PhoneErrorCode.INVALID_NUMBER) from error


def _parse_as_international(raw: str) -> phonenumbers.PhoneNumber | None:
    # Excel drops a leading "+" or "00"; try the digits as a full international number.
    try:
        number = phonenumbers.parse(f"+{raw}")
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def _is_uk_tv(number: phonenumbers.PhoneNumber) -> bool:
    return (
        number.country_code == _UK_COUNTRY_CODE
        and _UK_TV_NATIONAL.match(str(number.national_number)) is not None
    )


def _describe(number: phonenumbers.PhoneNumber, number_type: int) -> PhoneNumber:
    normalised = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]
    is_uk = number.country_code == _UK_COUNTRY_CODE
    return PhoneNumber(
        normalised=normalised,
        international=not is_uk or _is_crown_dependency(number),
        country_prefix=_billing_prefix(number.country_code or 0, normalised),
        is_uk_landline=is_uk and number_type in _LANDLINE_TYPES,
        billable_as_uk=is_uk,
    )


def _is_crown_dependency(number: phonenumbers.PhoneNumber) -> bool:
    # TV numbers have no region at all, yet Notify counts them as UK, not as a dependency.
    if _is_uk_tv(number):
        return False
    return phonenumbers.region_code_for_number(number) != "GB"


def _billing_prefix(country_code: int, normalised: str) -> str:
    if country_code == 1 and normalised[:4] in _NANP_BILLING_PREFIXES:
        return normalised[:4]
    return str(country_code)


# --- email addresses -----------------------------------------------------------------------

# Stricter than RFC 5322 on the local part: quotes and semicolons upset the email provider.
_EMAIL: Final = re.compile(r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~\-]+@([^.@][^@\s]+)")
# "xn" allows punycode labels, whose "--" the repeated group then matches.
_HOST_LABEL: Final = re.compile(r"(xn|[a-z0-9]+)(-?-[a-z0-9]+)*", re.IGNORECASE)
_TLD: Final = re.compile(r"[a-z]{2,63}|xn--([a-z0-9]+-)*[a-z0-9]+", re.IGNORECASE)
_MAX_EMAIL_LENGTH: Final = 320
_MAX_HOSTNAME_LENGTH: Final = 253
_MAX_LABEL_LENGTH: Final = 63


@dataclass(frozen=True, slots=True)
class EmailRules:
    """The two places where GC Notify's address rules differ from GOV.UK Notify's."""

    address: re.Pattern[str]
    host_label: re.Pattern[str]


UK_EMAIL_RULES: Final = EmailRules(_EMAIL, _HOST_LABEL)
# GC also allows accented Latin letters in the local part, and a stricter label shape
GC_EMAIL_RULES: Final = EmailRules(
    re.compile(r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~\-À-ÿ]+@([^.@][^@\s]+)"),
    re.compile(r"(xn-|[a-z0-9]+)(-[a-z0-9]+)*", re.IGNORECASE),
)


def validate_email_address(raw: str, rules: EmailRules = UK_EMAIL_RULES) -> str:
    """
    Validate an email address by Notify's rules and return it trimmed (case kept).

    Purely syntactic: no DNS or deliverability lookups. Raises :class:`InvalidEmailAddress`.
    """
    address = strip_invisible(raw)
    match = rules.address.fullmatch(address)
    if match is None or len(address) > _MAX_EMAIL_LENGTH or ".." in address:
        raise InvalidEmailAddress
    if not _is_valid_hostname(match.group(1), rules.host_label):
        raise InvalidEmailAddress
    return address


def normalise_email_for_matching(raw: str) -> str:
    """Trimmed, lowercased address, as Notify compares allow-lists and smoke-test addresses."""
    return strip_invisible(raw).lower()


def _is_valid_hostname(hostname: str, label_pattern: re.Pattern[str]) -> bool:
    try:
        # Internationalised domains are checked in their ASCII (punycode) form.
        ascii_hostname = hostname.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_hostname.split(".")
    if len(ascii_hostname) > _MAX_HOSTNAME_LENGTH or len(labels) < 2:
        return False
    if not all(_is_valid_label(label, label_pattern) for label in labels):
        return False
    return _TLD.fullmatch(labels[-1]) is not None


def _is_valid_label(label: str, pattern: re.Pattern[str]) -> bool:
    return 0 < len(label) <= _MAX_LABEL_LENGTH and pattern.fullmatch(label) is not None

"""Recipient validation (contract 5.1, 5.2), with cases taken from Notify's own tests."""

from __future__ import annotations

import pickle

import pytest

from simulator.domain.recipients import (
    GC_EMAIL_RULES,
    UK_EMAIL_RULES,
    EmailRules,
    InvalidEmailAddress,
    InvalidPhoneNumber,
    PhoneErrorCode,
    PhoneNumber,
    is_uk_tv_number,
    normalise_email_for_matching,
    normalise_phone_for_matching,
    parse_phone_number,
    strip_invisible,
    validate_email_address,
    validate_phone_for_service,
)

Code = PhoneErrorCode

# --- phone numbers: accepted ---------------------------------------------------------------

UK_MOBILE_SPELLINGS = [
    "7723456789",
    "07723456789",
    "07723 456789",
    "07723-456-789",
    "00447723456789",
    "00 44 7723456789",
    "+447723456789",
    "+44 7723 456 789",
    "+44 (0)7723 456 789",
    "\u200b\t\t+44 (0)7723 456 789\ufeff \r\n",
]


@pytest.mark.parametrize("raw", UK_MOBILE_SPELLINGS)
def test_uk_mobile_spellings_normalise_to_one_number(raw: str) -> None:
    expected = PhoneNumber(
        normalised="447723456789",
        international=False,
        country_prefix="44",
        is_uk_landline=False,
        billable_as_uk=True,
    )
    assert expected == parse_phone_number(raw)


@pytest.mark.parametrize(
    ("raw", "normalised", "country_prefix"),
    [
        ("+12025550104", "12025550104", "1"),
        ("1-202-555-0104", "12025550104", "1"),
        ("0012025550104", "12025550104", "1"),
        ("+0012025550104", "12025550104", "1"),
        ("1\u2011202\u2013555\u2014010\u22124", "12025550104", "1"),  # Unicode dashes
        ("+33122334455", "33122334455", "33"),
        ("0033122334455", "33122334455", "33"),
        ("+7 (8) (495) 123-45-67", "74951234567", "7"),
        ("784951234567", "74951234567", "7"),  # lost its "+": looks UK, is Russian
        ("230 5 2512345", "23052512345", "230"),
        ("+682 50 123", "68250123", "682"),
        ("+43 676 111 222 333 4", "436761112223334", "43"),
        ("20-12-1234-1234", "201212341234", "20"),
        ("16644913789", "16644913789", "1664"),  # Montserrat is billed apart from "1"
        ("+04915161123456", "4915161123456", "49"),
    ],
)
def test_international_numbers(raw: str, normalised: str, country_prefix: str) -> None:
    phone = parse_phone_number(raw)
    assert (normalised, country_prefix) == (phone.normalised, phone.country_prefix)
    assert phone.international
    assert not phone.billable_as_uk
    assert not phone.is_uk_landline


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("07700900000", "447700900000"),
        ("+447700900111", "447700900111"),
        ("07700 900 222", "447700900222"),
        ("07700900003", "447700900003"),
        ("447700900020", "447700900020"),
    ],
)
def test_ofcom_tv_numbers_are_uk_mobiles(raw: str, normalised: str) -> None:
    expected = PhoneNumber(
        normalised=normalised,
        international=False,
        country_prefix="44",
        is_uk_landline=False,
        billable_as_uk=True,
    )
    assert expected == parse_phone_number(raw)


@pytest.mark.parametrize("raw", ["+447797292290", "+447797 123456", "07797800123", "+447624123456"])
def test_crown_dependencies_are_international_but_billed_as_uk(raw: str) -> None:
    phone = parse_phone_number(raw)
    expected = (True, True, "44")
    assert expected == (phone.international, phone.billable_as_uk, phone.country_prefix)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("01709510122", "441709510122"),
        ("0117 496 0860", "441174960860"),
        ("0044 117 496 0860", "441174960860"),
        ("44 117 496 0860", "441174960860"),
        ("016064 1234", "44160641234"),
        ("020 7946 0991", "442079460991"),
        ("030 1234 5678", "443012345678"),
        ("0550 123 4567", "445501234567"),
    ],
)
def test_uk_landlines_parse_at_schema_stage(raw: str, normalised: str) -> None:
    phone = parse_phone_number(raw)
    assert normalised == phone.normalised
    assert phone.is_uk_landline
    assert not phone.international


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("+07044123456", "447044123456"),
        ("0+44(0)7779123456", "447779123456"),
        ("0+447988123456", "447988123456"),
        ("04407379123456", "447379123456"),
        ("000007392123456", "447392123456"),
        ("007341123456", "447341123456"),
        ("001708123456", "441708123456"),  # UK landline or US? Notify assumes UK
        ("+01158123456", "441158123456"),
    ],
)
def test_mangled_numbers_survive_thorough_normalisation(raw: str, normalised: str) -> None:
    assert normalised == parse_phone_number(raw).normalised


# --- phone numbers: refused ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", Code.TOO_SHORT),
        ("0772345678910", Code.TOO_LONG),
        ("772345678910", Code.TOO_LONG),
        ("0044772345678910", Code.TOO_LONG),
        ("+44 (0)7723 456 789 10", Code.TOO_LONG),
        ("+12345 12345 12345 6", Code.TOO_LONG),
        ("(07417)4123456", Code.TOO_LONG),
        ("0772345678", Code.INVALID_NUMBER),
        ("00447723456", Code.INVALID_NUMBER),
        ("004477234567", Code.INVALID_NUMBER),
        ("+44 (0)7723 456 78", Code.INVALID_NUMBER),
        ("08515111111", Code.INVALID_NUMBER),
        ("1234567", Code.INVALID_NUMBER),
        ("+682 1234", Code.INVALID_NUMBER),
        ("0033877123456", Code.INVALID_NUMBER),
        ("0900 123 4567", Code.INVALID_NUMBER),  # premium rate
        ("0845 46 46", Code.INVALID_NUMBER),
        ("0400 123 4567", Code.INVALID_NUMBER),
        ("(06)25123456", Code.INVALID_NUMBER),
        ("07890x32109", Code.UNKNOWN_CHARACTER),
        ("ALPHANUM3R1C", Code.UNKNOWN_CHARACTER),
        ("07515111*11", Code.UNKNOWN_CHARACTER),
        ("notaphonenumber", Code.UNKNOWN_CHARACTER),
        ("07723 456789...", Code.UNKNOWN_CHARACTER),
        ('07";DROP TABLE;"', Code.UNKNOWN_CHARACTER),
        ("07723 \u261f\u261c", Code.UNKNOWN_CHARACTER),
        ("24741111", Code.UNSUPPORTED_COUNTRY_CODE),  # Ascension: not in the billing table
        ("999", Code.TOO_SHORT),  # as a recipient, Notify answers "Not enough digits"
        ("112", Code.TOO_SHORT),
        ("+1 770 012 3456", Code.INVALID_NUMBER),  # "7700" only makes a TV number under +44
    ],
)
def test_invalid_numbers_give_codes(raw: str, code: PhoneErrorCode) -> None:
    with pytest.raises(InvalidPhoneNumber) as caught:
        parse_phone_number(raw)
    assert code == caught.value.code


def test_invalid_phone_number_survives_pickling() -> None:
    error = pickle.loads(pickle.dumps(InvalidPhoneNumber(Code.TOO_LONG)))
    expected = Code.TOO_LONG
    assert expected == error.code


# --- permission stage ----------------------------------------------------------------------

_MOBILE, _LANDLINE, _ABROAD, _JERSEY = "07723456789", "01709510122", "+12025550104", "+447797292290"


@pytest.mark.parametrize(
    ("raw", "allow_international", "allow_uk_landline", "code"),
    [
        (_MOBILE, False, False, None),
        (_JERSEY, False, False, None),  # crown dependencies count as UK here
        (_LANDLINE, True, True, None),
        (_ABROAD, True, False, None),
        (_LANDLINE, True, False, Code.NOT_A_UK_MOBILE),
        (_ABROAD, False, True, Code.INTERNATIONAL_NOT_ALLOWED),
        (_ABROAD, False, False, Code.INTERNATIONAL_NOT_ALLOWED),
        ("08515111111", True, True, Code.INVALID_NUMBER),  # schema rules still apply
    ],
)
def test_validate_phone_for_service(
    raw: str, allow_international: bool, allow_uk_landline: bool, code: PhoneErrorCode | None
) -> None:
    def validate() -> PhoneNumber:
        return validate_phone_for_service(
            raw, allow_international=allow_international, allow_uk_landline=allow_uk_landline
        )

    if code is None:
        assert parse_phone_number(raw) == validate()
        return
    with pytest.raises(InvalidPhoneNumber) as caught:
        validate()
    assert code == caught.value.code


# --- matching ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("07700 900000", "447700900000"),
        ("+447700900000", "447700900000"),
        ("+44 7700 900 501", "447700900501"),
        ("1-202-555-0104", "12025550104"),
        ("0012025550104", "12025550104"),
        ("24741111", "24741111"),  # matching skips the billing-table check, as Notify does
        ("not a number", None),
        ("", None),
    ],
)
def test_normalise_phone_for_matching(raw: str, expected: str | None) -> None:
    assert expected == normalise_phone_for_matching(raw)


@pytest.mark.parametrize(
    ("normalised", "expected"),
    [
        ("447700900123", True),
        ("447700123456", True),
        ("447723456789", False),
        ("17700123456", False),
    ],
)
def test_is_uk_tv_number(normalised: str, expected: bool) -> None:
    assert expected == is_uk_tv_number(normalised)


# --- email addresses -----------------------------------------------------------------------

VALID_EMAILS = [
    "email@domain.com",
    "email@domain.COM",
    "Test.User+tag@Example.COM",
    "firstname.o'lastname@domain.com",
    "email@subdomain.domain.com",
    "1234567890@domain.com",
    "email@domain-one.com",
    "_______@domain.com",
    "email@domain.superlongtld",
    "email@domain.co.jp",
    "info@german-financial-services.vermögensberatung",
    "japanese-info@例え.テスト",
    "x@xn--r8jz45g.xn--zckzah",
    "email@double--hyphen.com",
]

INVALID_EMAILS = [
    "example",
    "not-an-email",
    "with(brackets)@example.com",
    "a..b@example.com",
    "a@b",
    "a@-b.com",
    "email@123.123.123.123",
    "email@[123.123.123.123]",
    "@no-local-part.com",
    "Outlook Contact <outlook-contact@domain.com>",
    "middle-semicolon@domain.co;uk",
    '"quoted-local-part"@domain.com',
    "lots-of-dots@domain..gov..uk",
    "multiple@domains@domain.com",
    "spaces in local@domain.com",
    "spaces-in-domain@dom ain.com",
    "underscores-in-domain@dom_ain.com",
    "pound-sign-in-local£@domain.com",
    "local-with-’-apostrophe@domain.com",
    "domain-starts-with-a-dot@.domain.com",
    "trailing-dot@domain.com.",
    "incorrect-punycode@xn---something.com",
    "triple-hyphen@tri---ple.com",
    "numeric-tld@domain.123",
    "one-letter-tld@domain.c",
    f"label-too-long@{'a' * 64}.com",
    f"domain-too-long@{'a' * 63}.{'b' * 63}.{'c' * 63}.{'d' * 63}.com",
    f"email-too-long-{'a' * 320}@example.com",
]


@pytest.mark.parametrize("raw", VALID_EMAILS)
def test_valid_emails_are_returned_as_submitted(raw: str) -> None:
    assert raw == validate_email_address(raw)


@pytest.mark.parametrize("raw", INVALID_EMAILS)
def test_invalid_emails_are_refused(raw: str) -> None:
    with pytest.raises(InvalidEmailAddress) as caught:
        validate_email_address(raw)
    assert raw not in str(caught.value)  # recipients must not leak into logs


@pytest.mark.parametrize(
    "raw",
    [
        "  x@example.com\u200b",
        "\tx@example.com\n",
        "\u200bx@example.com\u200b",
        "\ufeffx@exa\u00a0mple.com",
    ],
)
def test_email_is_trimmed_of_whitespace_and_invisible_characters(raw: str) -> None:
    expected = "x@example.com"
    assert expected == validate_email_address(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Simulate-Delivered@Notifications.Service.GOV.UK",
            "simulate-delivered@notifications.service.gov.uk",
        ),
        ("  Test.User+tag@Example.COM\u200b", "test.user+tag@example.com"),
    ],
)
def test_normalise_email_for_matching(raw: str, expected: str) -> None:
    assert expected == normalise_email_for_matching(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  padded  ", "padded"),
        ("\u200b\u200c\u200d\u2060\ufeffword\u00a0", "word"),
        ("in\u200bside", "inside"),
        ("", ""),
    ],
)
def test_strip_invisible(raw: str, expected: str) -> None:
    assert expected == strip_invisible(raw)


@pytest.mark.parametrize(
    ("address", "uk", "gc"),
    [
        ("rené@example.ca", False, True),
        ("someone@exa--mple.ca", True, False),  # UK allows "--" inside a label, GC does not
        ("someone@example.ca", True, True),
    ],
)
def test_gc_email_rules_differ_from_uk(address: str, uk: bool, gc: bool) -> None:
    def valid(rules: EmailRules) -> bool:
        try:
            validate_email_address(address, rules)
        except InvalidEmailAddress:
            return False
        return True

    assert (uk, gc) == (valid(UK_EMAIL_RULES), valid(GC_EMAIL_RULES))

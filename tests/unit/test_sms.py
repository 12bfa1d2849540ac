"""SMS rendering, SanitiseSMS and fragment counting: NOTIFY_CONTRACT.md sections 7.3 and 9.4."""

from __future__ import annotations

import pytest

from simulator.domain.sms import (
    SMS_CHAR_LIMIT_UK,
    WELSH_NON_GSM_CHARACTERS,
    RenderedSms,
    render_sms,
    render_sms_body,
    sanitise_sms,
    sms_character_count,
    sms_fragment_count,
)


def test_uk_limit_is_six_fragments() -> None:
    assert SMS_CHAR_LIMIT_UK == 918


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“smart” ‘quotes’", "\"smart\" 'quotes'"),
        ("en – em —", "en - em -"),
        ("wait…", "wait..."),
        ("café Ñandú Ø Å ß Ç", "café Ñandú Ø Å ß Ç"),  # all GSM: kept
        ("Ŵŵ Ŷŷ âêîôû áíóú ÿ", "Ŵŵ Ŷŷ âêîôû áíóú ÿ"),  # Welsh: kept
        ("ç ś ž ő Ā", "c s z o A"),  # accents go back to the base letter
        ("Łódź", "Lódz"),  # Ł has no decomposition; ó is Welsh so it stays
        ("zero\u200bwidth\ufeff\u2060", "zerowidth"),
        ("no\u00a0break\ttab", "no break tab"),
        ("日本 😀 ✓ `", "?? ? ? ?"),
        ("^{}\\[~]|€", "^{}\\[~]|€"),
        ("£ $ ¥ @ ¡ ¿ § ¤", "£ $ ¥ @ ¡ ¿ § ¤"),
    ],
)
def test_sanitise_sms(text: str, expected: str) -> None:
    assert expected == sanitise_sms(text)


def test_welsh_non_gsm_characters_exclude_welsh_letters_that_are_gsm() -> None:
    assert {"ŵ", "ŷ", "á", "Ŵ", "ê"} <= WELSH_NON_GSM_CHARACTERS
    assert not {"é", "è", "à", "ä", "ö", "ü", "É", "Ä"} & WELSH_NON_GSM_CHARACTERS


@pytest.mark.parametrize(
    ("template", "values", "expected"),
    [
        ("Hi ((name)) , ok .", {"name": "A"}, "Hi A, ok."),
        ("  a   b  \n\n\n\n c \t", {}, "a b\n\nc"),
        ("line\r\nnext\u2028more", {}, "line\nnext\nmore"),
        ("You have: ((items))", {"items": ["x", "y", "z"]}, "You have: x, y and z"),
        ("Code ((code))", {"code": "“1–2”"}, 'Code "1-2"'),
        ("Hi((new??, welcome))!", {"new": "no"}, "Hi!"),
    ],
)
def test_render_sms_body(template: str, values: dict[str, object], expected: str) -> None:
    assert expected == render_sms_body(template, values)


def test_render_sms_body_with_prefix() -> None:
    assert render_sms_body("  Hello", {}, prefix=" My Service ") == "My Service: Hello"
    assert render_sms_body("Hello", {}, prefix="") == "Hello"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("abc", 3),
        ("[", 2),
        ("€5", 3),
        ("^{}\\[~]|€", 18),
        ("ŵ", 1),
        ("😀", 2),  # UTF-16 code units
    ],
)
def test_sms_character_count(text: str, expected: int) -> None:
    assert expected == sms_character_count(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("a" * 918, 6),
        ("a" * 919, 7),
        ("é" * 161, 2),  # é is GSM: no switch to unicode
        ("a" * 159 + "[", 2),  # extended characters count double
        ("[" * 80, 1),
        ("[" * 81, 2),
    ],
)
def test_gsm_fragments(text: str, expected: int) -> None:
    assert expected == sms_fragment_count(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ŵ" + "a" * 69, 1),
        ("ŵ" + "a" * 70, 2),
        ("ŷ" * 134, 2),
        ("á" * 135, 3),
        ("ŵ" + "[" * 35, 2),  # the extended surcharge applies in unicode mode too (71 units)
    ],
)
def test_welsh_characters_switch_to_unicode_fragments(text: str, expected: int) -> None:
    assert expected == sms_fragment_count(text)


def test_render_sms_counts_like_notify() -> None:
    rendered = render_sms("Wait… ((x)) ŵ", {"x": "[y]"}, prefix="Service")
    expected = RenderedSms(
        body="Wait... [y] ŵ",
        message="Service: Wait... [y] ŵ",
        content_count=11,  # before sanitising ("…" is one) and without the prefix
        fragment_count=1,  # 20 + 2 extended = 22 units in unicode mode
    )
    assert expected == rendered


def test_render_sms_without_prefix_bills_the_body() -> None:
    rendered = render_sms("a" * 150 + "((x))", {"x": "[" * 6})
    assert (rendered.body, rendered.message, rendered.content_count) == (
        "a" * 150 + "[" * 6,
        "a" * 150 + "[" * 6,
        156,
    )
    assert rendered.fragment_count == 2  # 156 + 6 = 162 units


def test_content_count_is_what_the_limit_checks() -> None:
    rendered = render_sms("((x))", {"x": "a" * SMS_CHAR_LIMIT_UK}, prefix="Long service name")
    assert rendered.content_count == SMS_CHAR_LIMIT_UK
    assert rendered.fragment_count == 7

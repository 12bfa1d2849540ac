"""Placeholders and filling: NOTIFY_CONTRACT.md section 9.1."""

from __future__ import annotations

import pytest

from simulator.domain.templating import (
    Placeholder,
    escape_html,
    fill,
    is_truthy,
    missing_personalisation,
    normalise_key,
    normalise_whitespace,
    normalise_whitespace_and_newlines,
    placeholder_schema,
    placeholders,
    remove_whitespace_before_punctuation,
)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("First Name", "firstname"),
        ("first_name", "firstname"),
        ("FIRST-NAME", "firstname"),
        ("  f i_r-s t  ", "first"),
        ("name\t", "name\t"),  # only spaces, "_" and "-" go
    ],
)
def test_normalise_key(key: str, expected: str) -> None:
    assert expected == normalise_key(key)


@pytest.mark.parametrize(
    "key", ["first_name", "FIRSTNAME", "first-name", "First Name", "fIrSt_NaMe"]
)
def test_keys_match_whatever_their_case_spaces_underscores_or_hyphens(key: str) -> None:
    assert fill("Hello ((First Name))", {key: "Amala"}, list_style="sms") == "Hello Amala"


def test_extra_keys_are_ignored_and_later_spellings_win() -> None:
    values = {"name": "first", "NAME": "second", "unused": "x"}
    assert fill("Hi ((name))", values, list_style="sms") == "Hi second"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Amala", "Amala"),
        ("", ""),
        (True, "True"),
        (False, "False"),
        (0, "0"),
        (1.5, "1.5"),
    ],
)
def test_values_are_turned_into_strings(value: object, expected: str) -> None:
    assert f"[{expected}]" == fill("[((v))]", {"v": value}, list_style="sms")


@pytest.mark.parametrize(
    "value", ["yes", "YES", "y", "true", "True", "t", "1", "include", "show", True, 1]
)
def test_conditional_text_is_shown_for_truthy_values(value: object) -> None:
    assert (
        fill("Dear you((new??, welcome))", {"new": value}, list_style="sms") == "Dear you, welcome"
    )


@pytest.mark.parametrize("value", ["no", "", "false", False, 0, "0", "maybe", 2, 1.0, "yes "])
def test_conditional_text_is_hidden_for_other_values(value: object) -> None:
    assert fill("Dear you((new??, welcome))", {"new": value}, list_style="sms") == "Dear you"


def test_conditional_placeholder_is_still_required() -> None:
    assert missing_personalisation({}, "Hi((new??, welcome))") == ["new"]
    assert placeholders("Hi((new??, welcome))") == ["new"]


def test_conditional_text_keeps_everything_after_the_first_marker() -> None:
    assert Placeholder("a", " b??c") == Placeholder.parse("a?? b??c")
    assert Placeholder("a", None) == Placeholder.parse("a")
    assert fill("x((a?? b??c))", {"a": "yes"}, list_style="sms") == "x b??c"


@pytest.mark.parametrize(
    ("value", "sms", "markdown"),
    [
        ([], "", ""),
        (["a"], "a", "\n\n* a"),
        (["a", "b"], "a and b", "\n\n* a\n* b"),
        (["a", "b", "c"], "a, b and c", "\n\n* a\n* b\n* c"),
        ([None, " ", "\u200b", " a ", 2], "a and 2", "\n\n* a\n* 2"),
        ([None, ""], "", ""),
    ],
)
def test_list_values(value: list[object], sms: str, markdown: str) -> None:
    assert sms == fill("((things))", {"things": value}, list_style="sms")
    assert markdown == fill("((things))", {"things": value}, list_style="markdown")


def test_list_value_decides_a_conditional_after_formatting() -> None:
    # Notify tests the formatted replacement, so a one-item list can be truthy in SMS style only.
    assert fill("((x??shown))", {"x": ["yes"]}, list_style="sms") == "shown"
    assert fill("((x??shown))", {"x": ["yes"]}, list_style="markdown") == ""


def test_missing_placeholders_are_left_as_written() -> None:
    text = "((a)) ((b??x)) ((c))"
    assert fill(text, {"a": 1, "c": None}, list_style="sms") == "1 ((b??x)) ((c))"


def test_inserted_values_are_not_filled_again() -> None:
    assert fill("((a))", {"a": "((b))", "b": "no"}, list_style="sms") == "((b))"


def test_brackets_inside_a_placeholder_make_it_text() -> None:
    assert placeholders("((a(b)) (( ) ((") == []
    assert fill("(((a)))", {"a": "(x)"}, list_style="sms") == "((x))"  # inner ((a)) only


def test_placeholders_keep_first_spelling_in_order_subject_first() -> None:
    subject = "((Ref)) for ((first name))"
    body = "Dear ((First_Name)), ((ref)) ((when??soon)) ((amount)) ((REF))"
    assert placeholders(subject, body) == ["Ref", "first name", "when", "amount"]


def test_placeholder_schema() -> None:
    expected = {"placeholder": {"required": True}, "conditional": {"required": True}}
    assert expected == placeholder_schema("((placeholder)) ((conditional??x))")


@pytest.mark.parametrize(
    ("personalisation", "expected"),
    [
        ({}, ["Ref", "name", "amount"]),
        ({"ref": "1", "name": "A", "amount": 5}, []),
        ({"REF": None, "name": "", "amount": 0}, ["Ref"]),  # None is missing, "" and 0 are not
        ({"Name": "A"}, ["Ref", "amount"]),
    ],
)
def test_missing_personalisation_in_template_order(
    personalisation: dict[str, object], expected: list[str]
) -> None:
    assert expected == missing_personalisation(personalisation, "((Ref))", "((name)) ((amount))")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", ""),
        ("<b>bold</b> & co", "&lt;b&gt;bold&lt;/b&gt; &amp; co"),
        ("&amp; stays, &nbsp; stays", "&amp; stays, &nbsp; stays"),
        ("&lt;script&gt;", "&lt;script&gt;"),
        ("&copy; and &#40;", "© and ("),  # other entities are decoded
        ("&copy without semicolon", "&amp;copy without semicolon"),
        ("\"quotes\" 'stay'", "\"quotes\" 'stay'"),
    ],
)
def test_escape_html(value: str, expected: str) -> None:
    assert expected == escape_html(value)


def test_fill_with_escape_html_escapes_template_and_values() -> None:
    text = "<i>((Name))</i> ((list))"
    values = {"name": "<b>A & B</b>", "list": ["<x>", "y"]}
    expected = "&lt;i&gt;&lt;b&gt;A &amp; B&lt;/b&gt;&lt;/i&gt; \n\n* &lt;x&gt;\n* y"
    assert expected == fill(text, values, list_style="markdown", escape_html=True)


@pytest.mark.parametrize("value", ["yes", "Show", "INCLUDE", "t", "1", True])
def test_is_truthy(value: object) -> None:
    assert is_truthy(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a , b .", "a, b."),
        ("a \t, b", "a, b"),
        ("a ; b !", "a ; b !"),
        ("a\n.", "a\n."),
    ],
)
def test_remove_whitespace_before_punctuation(value: str, expected: str) -> None:
    assert expected == remove_whitespace_before_punctuation(value)


def test_normalise_whitespace() -> None:
    assert normalise_whitespace("  a\u00a0\u202f b\u200b\t\n c  ") == "a b c"
    assert normalise_whitespace_and_newlines(" a  b \r\n\t\nc\u200d ") == "a b\n\nc"

"""The GC profile's pure pieces: phone rules, blocks, files, allowances, GC's status words."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from simulator.domain.attachments import prepare_documents, validate_files
from simulator.domain.block_tags import fence_tags, remove_tags, tags_to_divs
from simulator.domain.callbacks import gc_delivery_status_payload
from simulator.domain.email_render import email_html, email_plain_text
from simulator.domain.models import KeyType, Notification, NotificationType, Status
from simulator.domain.phones_na import NorthAmericanPhoneRules
from simulator.domain.profile_gc import gc_profile
from simulator.domain.recipients import InvalidPhoneNumber, PhoneErrorCode
from simulator.domain.simulation import MagicOutcome, SimulationRules
from simulator.domain.sms import render_sms
from simulator.domain.status_texts import provider_response, status_description

PHONES = NorthAmericanPhoneRules()
PROFILE = gc_profile(SimulationRules())
P = '<p style="Margin: 0 0 20px 0; font-size: 19px; line-height: 25px; color: #0B0C0C;">'


@pytest.mark.parametrize(
    ("raw", "normalised", "international"),
    [
        ("6132532222", "+16132532222", False),
        ("1-613-253-2222", "+16132532222", False),
        ("+1 (613) 253-2222", "+16132532222", False),
        ("+33122334455", "+33122334455", True),
        ("+8613800138000", "+8613800138000", True),
    ],
)
def test_numbers_are_north_american_first(raw: str, normalised: str, international: bool) -> None:
    phone = PHONES.parse(raw)
    assert (phone.normalised, phone.international) == (normalised, international)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("08515111111", PhoneErrorCode.NOT_VALID_INTERNATIONAL),
        ("07515111*11", PhoneErrorCode.NOT_VALID_INTERNATIONAL),
        ("+447700900123", PhoneErrorCode.NOT_VALID_INTERNATIONAL),
        ("613;2532222", PhoneErrorCode.NOT_VALID_NUMBER),
    ],
)
def test_gc_phone_errors(raw: str, code: PhoneErrorCode) -> None:
    with pytest.raises(InvalidPhoneNumber) as caught:
        PHONES.parse(raw)
    assert caught.value.code is code


def test_international_numbers_need_the_permission() -> None:
    with pytest.raises(InvalidPhoneNumber) as caught:
        PHONES.for_service("+33122334455", allow_international=False, allow_uk_landline=False)
    assert caught.value.code is PhoneErrorCode.INTERNATIONAL_NOT_ALLOWED


def test_allow_list_keys_are_local_e164_or_the_text_itself() -> None:
    assert PHONES.allow_list_key("613 253 2222") == "+16132532222"
    assert PHONES.allow_list_key("+33122334455") == "+33122334455"
    assert PHONES.chosen_sender("613 555 0199") == "+16135550199"
    assert PHONES.chosen_sender("GCNotify") == "GCNotify"


def test_block_markers_become_divs() -> None:
    source = "[[fr]]\nBonjour\n[[/fr]]\n[[en]]\nHello\n[[/en]]"
    assert tags_to_divs("[[fr]]x[[/fr]][[rtl]]y[[/rtl]]") == (
        '<div lang="fr-ca">x</div><div dir="rtl">y</div>'
    )
    assert fence_tags(source).startswith("\n```\n[[fr]]\n```\n")
    assert remove_tags(source) == "\nBonjour\n\n\nHello\n"
    assert email_html(source, {}, language_blocks=True) == (
        f'<div lang="fr-ca">{P}Bonjour</p></div><div lang="en-ca">{P}Hello</p></div>'
    )
    assert email_plain_text(source, {}, language_blocks=True) == "Bonjour\n\nHello\n"


def test_unpaired_markers_stay_text() -> None:
    assert fence_tags("[[fr]] only") == "[[fr]] only"
    assert email_html("[[rtl]] only", {}, language_blocks=True) == f"{P}[[rtl]] only</p>"


def test_gc_counts_the_prefixed_message_in_utf8_bytes() -> None:
    rendered = render_sms("((x))", {"x": "é"}, prefix="Service")
    assert (rendered.message, rendered.message_bytes, rendered.content_count) == (
        "Service: é",
        11,
        1,
    )


def test_file_checks_and_documents() -> None:
    rules = PROFILE.attachments
    assert rules is not None
    good = base64.b64encode(b"abc").decode()
    assert validate_files({"a": {"file": good, "sending_method": "link"}}, rules) == []
    assert validate_files({"a": {"file": "ab", "sending_method": "link"}}, rules) == [
        "a : Incorrect padding : Error decoding base64 field"
    ]
    values = {
        "name": "x",
        "l": {"file": good, "sending_method": "link"},
        "t": {"file": good, "sending_method": "attach", "filename": "t.csv"},
    }
    link = "http://127.0.0.1:6011/d/s/d?key=k"
    render, record = prepare_documents(values, rules, service_id="s", links={"l": link})
    assert render["l"] == record["l"] == link
    assert "t" not in render
    assert record["t"]["document"]["mime_type"] == "text/csv"
    assert record["t"]["document"]["file_size"] == 3


def test_fiscal_years_start_in_april() -> None:
    plan = PROFILE.allowances
    assert plan is not None
    assert plan.period_key("year", datetime(2026, 3, 31, tzinfo=UTC)) == "fy2025"
    assert plan.period_key("year", datetime(2026, 4, 1, tzinfo=UTC)) == "fy2026"
    email_day = plan.daily("email")
    assert email_day is not None
    assert email_day.limit({}, restricted=False) == 10_000
    assert email_day.error_name(restricted=True) == "TrialServiceTooManyEmailRequestsError"


def _notification(status: Status, to: str = "+15149301633") -> Notification:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return Notification(
        id="n", service_id="s", api_key_id="k", key_type=KeyType.TEST,
        type=NotificationType.SMS, status=status, to=to, normalised_to=to,
        template_id="t", template_version=1, created_at=now, body="b",
    )  # fmt: skip


def test_gc_callback_payload_and_status_words() -> None:
    rules = SimulationRules.build(
        sms=[("+15149301633", MagicOutcome(Status.TEMPORARY_FAILURE, provider_response="busy"))],
        emails={},
        smoke_sms=(),
        smoke_emails=(),
    )
    n = _notification(Status.SENT)
    descriptions = PROFILE.status_descriptions
    assert descriptions is not None
    assert status_description(n, descriptions) == "Sent"
    assert provider_response(n, rules) is None  # not final yet
    final = Status.TEMPORARY_FAILURE
    payload = gc_delivery_status_payload(
        n,
        final,
        n.created_at,
        n.created_at,
        status_description=status_description(n, descriptions, final),
        provider_response=provider_response(n, rules, final),
    )
    assert set(payload) == {
        "id", "reference", "to", "status", "status_description", "provider_response",
        "created_at", "completed_at", "sent_at", "notification_type",
    }  # fmt: skip
    assert (payload["status_description"], payload["provider_response"]) == (
        "Carrier issue",
        "busy",
    )

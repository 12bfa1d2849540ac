"""Schema validation: exact Notify messages, in Notify's order.

Literals are written out here on purpose (not imported) so that drift is caught.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from simulator.domain.profile_gc import gc_profile
from simulator.domain.profiles import uk_profile
from simulator.domain.schemas import (
    GC_SCHEDULE_TEXTS,
    GC_SCHEMA,
    UK_SCHEMA,
    RequestSchemas,
    ScheduleTexts,
    SchemaError,
    validate_file_upload,
)
from simulator.domain.schemas.fast_path import surely_valid
from simulator.domain.simulation import SimulationRules

TEMPLATE_ID = "2ebe4da8-17be-49fe-b02f-dff2760261a0"
OTHER_ID = "a5149c32-f03b-4711-af49-ad6993797d45"
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
UK_STATUSES = (
    "[cancelled, created, sending, sent, delivered, pending, failed, technical-failure, "
    "temporary-failure, permanent-failure, pending-virus-check, validation-failed, "
    "virus-scan-failed, returned-letter, accepted, received]"
)
GC_STATUSES = (
    "[cancelled, created, sending, sent, delivered, pending, failed, technical-failure, "
    "temporary-failure, permanent-failure, provider-failure, pending-virus-check, "
    "validation-failed, virus-scan-failed, returned-letter, pii-check-failed, accepted, received]"
)
ISO_INVALID = (
    "scheduled_for datetime format is invalid. It must be a valid ISO8601 date time format, "
    "https://en.wikipedia.org/wiki/ISO_8601"
)


def fake_phone(number: str) -> str | None:
    if re.fullmatch(r"0?7\d{9}", number):
        return None
    if number == "":
        return "Not enough digits"
    return "Must not contain letters or symbols"


def fake_email(address: str) -> bool:
    return re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", address) is not None


def make(**overrides: Any) -> RequestSchemas:
    options: dict[str, Any] = {
        "phone_checker": fake_phone,
        "email_checker": fake_email,
        "clock": lambda: NOW,
    }
    options.update(overrides)
    return RequestSchemas(**options)


UK = make()
GC = make(variant=GC_SCHEMA, reference_max_length=None, schedule_hours_ahead=96)


def messages(errors: list[SchemaError]) -> list[str]:
    assert all(e.error == "ValidationError" for e in errors)
    return [e.message for e in errors]


def sms(**fields: object) -> dict[str, object]:
    return {"phone_number": "07700900000", "template_id": TEMPLATE_ID, **fields}


def email(**fields: object) -> dict[str, object]:
    return {"email_address": "someone@example.com", "template_id": TEMPLATE_ID, **fields}


# -- POST /v2/notifications/sms ------------------------------------------------------------------

REQUIRED_SMS = ["phone_number is a required property", "template_id is a required property"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (sms(), []),
        (sms(reference="ref", personalisation={"name": "Amala", "list": ["a", "b"]}), []),
        (sms(sms_sender_id=OTHER_ID, scheduled_for=None), []),
        ({}, REQUIRED_SMS),
        # falsy JSON bodies count as {}
        (None, REQUIRED_SMS),
        ([], REQUIRED_SMS),
        (0, REQUIRED_SMS),
        (False, REQUIRED_SMS),
        ("", REQUIRED_SMS),
        # any other non-object is one type error, with no field
        ([1], ["[1] is not of type object"]),
        ("abc", ["abc is not of type object"]),
        (sms(template=1), ["Additional properties are not allowed (template was unexpected)"]),
        (
            sms(zzz=1, aaa=2),
            ["Additional properties are not allowed (aaa, zzz were unexpected)"],
        ),
        (
            sms(personalisation="not_a_dict"),
            ["personalisation not_a_dict is not of type object"],
        ),
        (sms(phone_number=7700900001), ["phone_number 7700900001 is not of type string"]),
        (sms(phone_number=None), ["phone_number None is not of type string"]),
        (sms(phone_number=[]), ["phone_number [] is not of type string"]),
        (sms(phone_number={}), ["phone_number {} is not of type string"]),
        (sms(phone_number="07515111*11"), ["phone_number Must not contain letters or symbols"]),
        (sms(phone_number=""), ["phone_number Not enough digits"]),
        (sms(reference=5), ["reference 5 is not of type string"]),
        (sms(reference="r" * 1000), []),
        (sms(reference="r" * 1001), [f"reference {'r' * 1001} is too long"]),
        # quotes vanish from jsonschema's repr-based texts
        (sms(reference="it's" + "s" * 1000), [f'reference "its{"s" * 1000}" is too long']),
        (sms(sms_sender_id="x"), ["sms_sender_id is not a valid UUID"]),
        (sms(sms_sender_id=None), ["sms_sender_id is not a valid UUID"]),
        (
            sms(email_reply_to_id=OTHER_ID),
            ["Additional properties are not allowed (email_reply_to_id was unexpected)"],
        ),
    ],
)
def test_post_sms(body: object, expected: list[str]) -> None:
    assert expected == messages(UK.validate_post_sms(body))


@pytest.mark.parametrize(
    "template_id",
    [
        "x",
        "bad_uuid",
        TEMPLATE_ID + "\n",
        TEMPLATE_ID + " ",
        TEMPLATE_ID + "\r",
        "\t" + TEMPLATE_ID,
        TEMPLATE_ID[4:],
        123,
        None,
        "",
    ],
)
def test_post_sms_bad_template_id(template_id: object) -> None:
    expected = ["template_id is not a valid UUID"]
    assert expected == messages(UK.validate_post_sms(sms(template_id=template_id)))


@pytest.mark.parametrize(
    "template_id",
    [
        TEMPLATE_ID.upper(),
        TEMPLATE_ID.replace("-", ""),
        "{" + TEMPLATE_ID + "}",
        "urn:uuid:" + TEMPLATE_ID,
    ],
)
def test_template_id_accepts_what_python_uuid_accepts(template_id: str) -> None:
    # Notify checks with uuid.UUID(), not a pattern, so these all pass.
    expected: list[str] = []
    assert expected == messages(UK.validate_post_sms(sms(template_id=template_id)))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # property errors come first, in schema order, then required, then additional
        (
            {"template_id": "notUUID"},
            ["template_id is not a valid UUID", "phone_number is a required property"],
        ),
        (
            {"phone_number": "bad"},
            [
                "phone_number Must not contain letters or symbols",
                "template_id is a required property",
            ],
        ),
        (
            {"template": 1},
            [*REQUIRED_SMS, "Additional properties are not allowed (template was unexpected)"],
        ),
        (
            {"sms_sender_id": "x", "personalisation": 1, "phone_number": 1, "reference": 1, "z": 0},
            [
                "reference 1 is not of type string",
                "phone_number 1 is not of type string",
                "personalisation 1 is not of type object",
                "sms_sender_id is not a valid UUID",
                "template_id is a required property",
                "Additional properties are not allowed (z was unexpected)",
            ],
        ),
    ],
)
def test_post_sms_error_order(body: object, expected: list[str]) -> None:
    assert expected == messages(UK.validate_post_sms(body))


def test_reference_limit_comes_from_the_constructor() -> None:
    nothing: list[str] = []
    assert nothing == messages(GC.validate_post_sms(sms(reference="r" * 5000)))
    short = make(reference_max_length=3)
    expected = ["reference abcd is too long"]
    assert expected == messages(short.validate_post_sms(sms(reference="abcd")))


# -- scheduled_for -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheduled_for", "expected"),
    [
        ("2026-01-01T13:00:00", []),
        ("2026-01-01T12:00:00", []),  # now is not in the past
        ("2026-01-02T12:00:00", []),  # exactly 24 hours ahead is allowed
        ("2026-01-01 13:00", []),
        ("2026-01-01T13:00:00.123456Z", []),
        ("20260101T1300", []),
        ("2026-01-01T13:00:00\n", []),  # the iso8601 grammar ends in "$"
        # the offset is dropped, not applied: 13:00+05:00 counts as 13:00
        ("2026-01-01T13:00:00+05:00", []),
        ("2026-01-01T11:00:00-05:00", ["scheduled_for datetime can not be in the past"]),
        ("2026-01-01T11:59:59", ["scheduled_for datetime can not be in the past"]),
        ("2026", ["scheduled_for datetime can not be in the past"]),
        ("2026-01-02T12:00:01", ["scheduled_for datetime can only be 24 hours in the future"]),
        ("nope", [ISO_INVALID]),
        ("", [ISO_INVALID]),
        ("2026-13-01T00:00", [ISO_INVALID]),
        ("202601", [ISO_INVALID]),
        ("2026-01-01T13:00:00+24:00", [ISO_INVALID]),
        (5, ["scheduled_for 5 is not of type string, null"]),
    ],
)
def test_scheduled_for_uk(scheduled_for: object, expected: list[str]) -> None:
    assert expected == messages(UK.validate_post_sms(sms(scheduled_for=scheduled_for)))
    assert expected == messages(UK.validate_post_email(email(scheduled_for=scheduled_for)))


@pytest.mark.parametrize(
    ("scheduled_for", "expected"),
    [
        ("2026-01-05T12:00:00", []),
        ("2026-01-01T11:00:00", ["scheduled_for datetime cannot be in the past"]),
        (
            "2026-01-05T12:00:01",
            ["scheduled_for datetime can only be up to 96 hours in the future"],
        ),
    ],
)
def test_scheduled_for_gc(scheduled_for: str, expected: list[str]) -> None:
    assert expected == messages(GC.validate_post_sms(sms(scheduled_for=scheduled_for)))


def test_schedule_texts_can_be_passed_in() -> None:
    texts = ScheduleTexts(invalid="bad", in_past="past", too_far="over {hours}h")
    schemas = make(schedule_texts=texts, schedule_hours_ahead=2)
    too_far, past = ["scheduled_for over 2h"], ["scheduled_for past"]
    assert too_far == messages(schemas.validate_post_sms(sms(scheduled_for="2026-01-01T15:00")))
    assert past == messages(schemas.validate_post_sms(sms(scheduled_for="2025-01-01T15:00")))


def test_naive_clock_is_taken_as_utc() -> None:
    schemas = make(clock=lambda: datetime(2026, 1, 1, 12, 0))
    expected: list[str] = []
    assert expected == messages(schemas.validate_post_sms(sms(scheduled_for="2026-01-01T13:00")))


# -- POST /v2/notifications/email ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (email(), []),
        (email(email_reply_to_id=OTHER_ID, reference="r"), []),
        (email(one_click_unsubscribe_url="https://example.com/unsubscribe?token=a%20b#x"), []),
        (email(sanitise_content_for=["name"]), []),
        (email(sanitise_content_for=[]), []),
        (email(sanitise_content_for=None), []),
        # send-a-file objects are plain object values at this stage
        (
            email(
                personalisation={
                    "doc": {
                        "file": "YSxiLGMKMSwyLDMK",
                        "filename": None,
                        "confirm_email_before_download": None,
                        "retention_period": None,
                    }
                }
            ),
            [],
        ),
        ({}, ["email_address is a required property", "template_id is a required property"]),
        (email(email_address="not-an-email"), ["email_address Not a valid email address"]),
        (email(email_address="example"), ["email_address Not a valid email address"]),
        (email(email_address=12345), ["email_address 12345 is not of type string"]),
        (email(email_address=None), ["email_address None is not of type string"]),
        (email(email_reply_to_id="x"), ["email_reply_to_id is not a valid UUID"]),
        (
            email(one_click_unsubscribe_url="http://example.com"),
            ["one_click_unsubscribe_url is not a valid https url"],
        ),
        (
            email(one_click_unsubscribe_url="https://exa mple.com"),
            ["one_click_unsubscribe_url is not a valid https url"],
        ),
        (
            email(one_click_unsubscribe_url=5),
            ["one_click_unsubscribe_url is not a valid https url"],
        ),
        (
            email(sanitise_content_for="name"),
            ["sanitise_content_for name is not of type array, null"],
        ),
        (email(sanitise_content_for=[1]), ["sanitise_content_for 1 is not of type string"]),
        (
            email(sms_sender_id=OTHER_ID),
            ["Additional properties are not allowed (sms_sender_id was unexpected)"],
        ),
        (
            {"template_id": "bad_template", "email_address": "x"},
            [
                "email_address Not a valid email address",
                "template_id is not a valid UUID",
            ],
        ),
    ],
)
def test_post_email(body: object, expected: list[str]) -> None:
    assert expected == messages(UK.validate_post_email(body))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (email(personalisation={"name": "x"}), []),
        (
            email(personalisation={"doc": {"file": "YQ==", "sending_method": "link"}}),
            [],
        ),
        (
            email(personalisation={"doc": {"potato": 1}}),
            [
                "personalisation file is a required property",
                "personalisation sending_method is a required property",
                "personalisation filename is a required property",
            ],
        ),
        (
            email(one_click_unsubscribe_url="https://example.com", sanitise_content_for=[]),
            [
                "Additional properties are not allowed "
                "(one_click_unsubscribe_url, sanitise_content_for were unexpected)"
            ],
        ),
    ],
)
def test_post_email_gc(body: object, expected: list[str]) -> None:
    assert expected == messages(GC.validate_post_email(body))


# -- GET /v2/notifications -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, []),
        (
            {
                "reference": ["test reference"],
                "status": ["created", "accepted", "received"],
                "template_type": ["email", "sms"],
                "include_jobs": ["true"],
                "older_than": [OTHER_ID],
            },
            [],
        ),
        ({"include_jobs": ["True"]}, []),
        ({"status": ["elephant"]}, [f"status elephant is not one of {UK_STATUSES}"]),
        (
            {"status": ["elephant", "created", "giraffe", "elephant"]},
            [
                f"status elephant is not one of {UK_STATUSES}",
                f"status giraffe is not one of {UK_STATUSES}",
            ],
        ),
        (
            {"template_type": ["orange", "sms"]},
            ["template_type orange is not one of [sms, email, letter]"],
        ),
        ({"older_than": ["x"]}, ["older_than is not a valid UUID"]),
        # single-valued parameters take their first value
        ({"older_than": [OTHER_ID, "x"]}, []),
        ({"older_than": ["x", OTHER_ID]}, ["older_than is not a valid UUID"]),
        ({"reference": ["a", "b"]}, []),
        ({"include_jobs": ["false"]}, ["include_jobs false is not one of [true, True]"]),
        ({"include_jobs": ["true", "false"]}, []),
        ({"foo": ["1"]}, ["Additional properties are not allowed (foo was unexpected)"]),
        (
            {
                "foo": ["1"],
                "older_than": ["x"],
                "include_jobs": ["no"],
                "template_type": ["letters"],
                "status": ["sent", "nope"],
            },
            [
                f"status nope is not one of {UK_STATUSES}",
                "template_type letters is not one of [sms, email, letter]",
                "include_jobs no is not one of [true, True]",
                "older_than is not a valid UUID",
                "Additional properties are not allowed (foo was unexpected)",
            ],
        ),
        # plain string values are read as one-item lists
        ({"status": "elephant"}, [f"status elephant is not one of {UK_STATUSES}"]),
    ],
)
def test_get_notifications(query: dict[str, list[str]], expected: list[str]) -> None:
    assert expected == messages(UK.validate_get_notifications(query))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"include_jobs": ["false"], "status": ["pii-check-failed"]}, []),
        ({"status": ["accepted"]}, [f"status accepted is not one of {GC_STATUSES}"]),
    ],
)
def test_get_notifications_gc(query: dict[str, list[str]], expected: list[str]) -> None:
    assert expected == messages(GC.validate_get_notifications(query))


# -- GET /v2/templates, /v2/received-text-messages -------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, []),
        ({"type": ["sms"]}, []),
        ({"type": ["x"]}, ["type x is not one of [sms, email, letter]"]),
        ({"type": ["sms", "x"]}, []),
        ({"type": ["x", "sms"]}, ["type x is not one of [sms, email, letter]"]),
        ({"kind": ["sms"]}, ["Additional properties are not allowed (kind was unexpected)"]),
    ],
)
def test_get_templates(query: dict[str, list[str]], expected: list[str]) -> None:
    assert expected == messages(UK.validate_get_templates(query))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, []),
        ({"older_than": [OTHER_ID]}, []),
        ({"older_than": ["x"]}, ["older_than is not a valid UUID"]),
        (
            {"older_than": ["x"], "page": ["2"]},
            [
                "older_than is not a valid UUID",
                "Additional properties are not allowed (page was unexpected)",
            ],
        ),
    ],
)
def test_get_received_texts(query: dict[str, list[str]], expected: list[str]) -> None:
    assert expected == messages(UK.validate_get_received_texts(query))


# -- POST /v2/template/{id}/preview and path ids -------------------------------------------------


@pytest.mark.parametrize(
    ("body", "template_id", "expected"),
    [
        ({}, TEMPLATE_ID, []),
        (None, TEMPLATE_ID, []),
        ({"personalisation": {"name": "x"}, "extra": "ignored"}, TEMPLATE_ID, []),
        ({"personalisation": "x"}, TEMPLATE_ID, ["personalisation x is not of type object"]),
        ({}, "abc", ["id is not a valid UUID"]),
        (
            {"personalisation": 1},
            "abc",
            ["id is not a valid UUID", "personalisation 1 is not of type object"],
        ),
        ({"id": TEMPLATE_ID}, None, []),
        ({}, None, ["id is a required property"]),
        ([1], TEMPLATE_ID, ["[1] is not of type object"]),
    ],
)
def test_preview(body: object, template_id: str | None, expected: list[str]) -> None:
    assert expected == messages(UK.validate_preview(body, template_id))


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("notification_id", OTHER_ID, []),
        ("notification_id", "abc", ["notification_id is not a valid UUID"]),
        ("notification_id", "sms", ["notification_id is not a valid UUID"]),
        ("id", "abc", ["id is not a valid UUID"]),
        ("id", TEMPLATE_ID.upper(), []),
    ],
)
def test_uuid_path(name: str, value: str, expected: list[str]) -> None:
    assert expected == messages(UK.validate_uuid_path(name, value))


# -- send a file ---------------------------------------------------------------------------------

FILE = "YSxiLGMKMSwyLDMK"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"file": FILE}, []),
        ({"file": FILE, "is_csv": None}, []),
        ({"file": FILE, "is_csv": False, "confirm_email_before_download": False}, []),
        ({"file": FILE, "retention_period": "1 week"}, []),
        ({"file": FILE, "retention_period": " 78 WEEKS "}, []),
        ({"file": FILE, "filename": "file.csv", "retention_period": None}, []),
        ({"file": False}, ["file False is not of type string"]),
        (
            {"file": FILE, "is_csv": "bad"},
            ["is_csv Unsupported value for is_csv: bad. Use a boolean true or false value."],
        ),
        (
            {"file": FILE, "confirm_email_before_download": "potato"},
            [
                "confirm_email_before_download Unsupported value for "
                "confirm_email_before_download: potato. Use a boolean true or false value."
            ],
        ),
        (
            {"file": FILE, "retention_period": "9999 weeks"},
            [
                "retention_period Unsupported value for retention_period: 9999 weeks. "
                "Supported periods are from 1 to 78 weeks."
            ],
        ),
        (
            {"file": FILE, "retention_period": False},
            [
                "retention_period Unsupported value for retention_period: False. "
                "Supported periods are from 1 to 78 weeks."
            ],
        ),
        (
            {"file": FILE, "filename": "file"},
            ["filename `filename` must end with a file extension. For example, filename.csv"],
        ),
        (
            {"file": FILE, "other": "attribute"},
            ["Additional properties are not allowed (other was unexpected)"],
        ),
        (
            {"file": FILE, "is_csv": True, "filename": "file.csv"},
            ["Do not set a value for `is_csv` if `filename` is set."],
        ),
    ],
)
def test_validate_file_upload(value: dict[str, object], expected: list[str]) -> None:
    assert expected == validate_file_upload(value)


# -- construction and the fast path --------------------------------------------------------------


def test_each_profile_carries_its_schema_variant() -> None:
    # the variant is the profile's data, never chosen by the profile's name
    assert uk_profile(SimulationRules()).schema is UK_SCHEMA
    assert gc_profile(SimulationRules()).schema is GC_SCHEMA


def test_gc_texts_are_exported() -> None:
    expected = (
        "datetime cannot be in the past",
        "datetime can only be up to {hours} hours in the future",
    )
    assert expected == (GC_SCHEDULE_TEXTS.in_past, GC_SCHEDULE_TEXTS.too_far)


SAMPLES: list[object] = [
    {},
    [1],
    "x",
    None,
    sms(),
    sms(personalisation={"a": {"b": 1}}),
    sms(reference="r" * 1001),
    sms(template_id="x"),
    sms(phone_number="x"),
    sms(scheduled_for="2026-01-01T13:00"),
    sms(scheduled_for="2020-01-01T13:00"),
    sms(extra=1),
    email(),
    email(one_click_unsubscribe_url="https://example.com"),
    email(one_click_unsubscribe_url="http://example.com"),
    email(sanitise_content_for=["a", 1]),
    {"status": ["created", "nope"], "template_type": ["sms"]},
    {"status": ["created"], "include_jobs": "true"},
    {"include_jobs": True},
    {"type": "sms"},
    {"older_than": OTHER_ID},
]


@pytest.mark.parametrize("schemas", [UK, GC], ids=["uk", "gc"])
@pytest.mark.parametrize("sample", SAMPLES)
def test_fast_path_only_accepts_what_jsonschema_accepts(
    schemas: RequestSchemas, sample: object
) -> None:
    for name in ("_post_sms", "_post_email", "_get_notifications", "_get_templates", "_preview"):
        validator = getattr(schemas, name)
        if surely_valid(validator.schema, sample, validator.format_checker):
            assert validator.is_valid(sample), (name, sample)

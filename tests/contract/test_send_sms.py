"""POST /v2/notifications/sms: the 201 shape, validation texts and order (3.1, 3.4, 4.2, 5.1)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from notifications_python_client.notifications import NotificationsAPIClient

from tests.contract.support import (
    DEFAULT_SMS_SENDER,
    EMAIL_TEMPLATE,
    LIVE_SERVICE,
    PHONE_SMS_SENDER,
    PLAIN_SMS_TEMPLATE,
    SECRETS,
    SMS_TEMPLATE,
    TRIAL_SMS_TEMPLATE,
    api_error,
    client_for,
    envelope,
    make_token,
    raw,
    unique_reference,
)
from tests.sandbox_process import SandboxProcess

UNKNOWN_ID = "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5"
PERSONALISATION = {"name": "Ada", "code": "123"}


@pytest.fixture(scope="module")
def test_client(sandbox: SandboxProcess) -> NotificationsAPIClient:
    return client_for(sandbox.base_url, "test")


def post_raw(
    sandbox: SandboxProcess,
    body: object,
    *,
    key: str = "test",
    content_type: str = "application/json",
) -> requests.Response:
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return raw(
        sandbox.base_url,
        "POST",
        "/v2/notifications/sms",
        token=make_token(secret=SECRETS[key]),
        headers={"Content-Type": content_type},
        data=data,
    )


def sms_error(client: NotificationsAPIClient, **fields: Any) -> tuple[int, object]:
    fields.setdefault("template_id", SMS_TEMPLATE)
    fields.setdefault("personalisation", PERSONALISATION)
    return api_error(lambda: client.send_sms_notification(**fields))


def validation(*messages: str) -> tuple[int, dict[str, object]]:
    return 400, envelope(400, *(("ValidationError", m) for m in messages))


def bad_request(message: str) -> tuple[int, dict[str, object]]:
    return 400, envelope(400, ("BadRequestError", message))


# -- 201 ---------------------------------------------------------------------------


def test_201_shape_is_exact(sandbox: SandboxProcess, test_client: NotificationsAPIClient) -> None:
    reference = unique_reference("sms-shape")
    response = test_client.send_sms_notification(
        "07700900123", SMS_TEMPLATE, personalisation=PERSONALISATION, reference=reference
    )
    notification_id = response["id"]
    assert response == {
        "id": notification_id,
        "reference": reference,
        "content": {"body": "Hello Ada, your code is 123.", "from_number": "GOVUK"},
        "uri": f"{sandbox.base_url}/v2/notifications/{notification_id}",
        "template": {
            "id": SMS_TEMPLATE,
            "version": 2,
            "uri": f"{sandbox.base_url}/services/{LIVE_SERVICE}/templates/{SMS_TEMPLATE}",
        },
        "scheduled_for": None,
    }
    assert "sanitised_content" not in response


def test_201_reference_is_null_when_not_given(test_client: NotificationsAPIClient) -> None:
    response = test_client.send_sms_notification("07700900123", PLAIN_SMS_TEMPLATE)
    assert response["reference"] is None
    assert response["content"]["body"] == "A plain message"


def test_from_number_of_a_phone_number_sender_is_normalised(
    test_client: NotificationsAPIClient,
) -> None:
    response = test_client.send_sms_notification(
        "07700900123", PLAIN_SMS_TEMPLATE, sms_sender_id=PHONE_SMS_SENDER
    )
    assert response["content"]["from_number"] == "447700900500"


def test_from_number_of_a_named_sender_is_unchanged(test_client: NotificationsAPIClient) -> None:
    response = test_client.send_sms_notification(
        "07700900123", PLAIN_SMS_TEMPLATE, sms_sender_id=DEFAULT_SMS_SENDER
    )
    assert response["content"]["from_number"] == "GOVUK"


def test_personalisation_keys_are_case_space_and_underscore_insensitive(
    test_client: NotificationsAPIClient,
) -> None:
    response = test_client.send_sms_notification(
        "07700900123", SMS_TEMPLATE, personalisation={"NAME": "Ada", "c_o-d e": 7, "extra": "x"}
    )
    assert response["content"]["body"] == "Hello Ada, your code is 7."


def test_sms_body_is_sanitised(test_client: NotificationsAPIClient) -> None:
    response = test_client.send_sms_notification(
        "07700900123",
        SMS_TEMPLATE,
        personalisation={"name": "\u2018Ada\u2019 \u2014 \u201cL\u201d", "code": "1\u2026"},
    )
    assert response["content"]["body"] == "Hello 'Ada' - \"L\", your code is 1...."


def test_list_personalisation_in_sms_is_joined_with_and(
    test_client: NotificationsAPIClient,
) -> None:
    response = test_client.send_sms_notification(
        "07700900123", SMS_TEMPLATE, personalisation={"name": ["a", "b", "c"], "code": "1"}
    )
    assert response["content"]["body"] == "Hello a, b and c, your code is 1."


@pytest.mark.parametrize(
    "phone_number",
    [
        "07723456789",
        "7723456789",
        "07723 456789",
        "07723-456-789",
        "00447723456789",
        "+44 (0)7723 456 789",
        "+12025550104",
        "1-202-555-0104",
        "+33122334455",
    ],
)
def test_valid_numbers_are_accepted(test_client: NotificationsAPIClient, phone_number: str) -> None:
    assert test_client.send_sms_notification(phone_number, PLAIN_SMS_TEMPLATE)["id"]


def test_content_type_text_plain_is_ignored(sandbox: SandboxProcess) -> None:
    body = {"phone_number": "07700900123", "template_id": PLAIN_SMS_TEMPLATE}
    response = post_raw(sandbox, body, content_type="text/plain")
    assert response.status_code == 201


def test_scheduled_for_is_accepted_and_ignored(sandbox: SandboxProcess) -> None:
    later = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
    body = {
        "phone_number": "07700900123",
        "template_id": PLAIN_SMS_TEMPLATE,
        "scheduled_for": later,
    }
    response = post_raw(sandbox, body)
    assert response.status_code == 201
    assert response.json()["scheduled_for"] is None


def test_918_characters_is_accepted(test_client: NotificationsAPIClient) -> None:
    # "Hello " + name + ", your code is 1." is 23 characters plus the name
    response = test_client.send_sms_notification(
        "07700900123", SMS_TEMPLATE, personalisation={"name": "a" * 895, "code": "1"}
    )
    assert len(response["content"]["body"]) == 918


# -- body parsing and schema ------------------------------------------------------------


@pytest.mark.parametrize("body", [b"this is not json", b"", b"{", b"{'a': 1}"])
def test_invalid_json_body(sandbox: SandboxProcess, body: bytes) -> None:
    response = post_raw(sandbox, body)
    assert (response.status_code, response.json()) == bad_request(
        "Invalid JSON supplied in POST data"
    )


@pytest.mark.parametrize("body", [b"null", b"[]", b"{}", b"0", b"false", b'""'])
def test_falsy_json_is_an_empty_object(sandbox: SandboxProcess, body: bytes) -> None:
    response = post_raw(sandbox, body)
    assert (response.status_code, response.json()) == validation(
        "phone_number is a required property", "template_id is a required property"
    )


def test_several_schema_errors_are_listed_in_order(sandbox: SandboxProcess) -> None:
    response = post_raw(sandbox, {"template": "x"})
    assert (response.status_code, response.json()) == validation(
        "phone_number is a required property",
        "template_id is a required property",
        "Additional properties are not allowed (template was unexpected)",
    )


def test_additional_properties(sandbox: SandboxProcess) -> None:
    body = {
        "phone_number": "07700900123",
        "template_id": PLAIN_SMS_TEMPLATE,
        "email_address": "a@example.com",
    }
    response = post_raw(sandbox, body)
    assert (response.status_code, response.json()) == validation(
        "Additional properties are not allowed (email_address was unexpected)"
    )


def test_template_id_not_a_uuid(test_client: NotificationsAPIClient) -> None:
    assert sms_error(test_client, phone_number="07700900123", template_id="not-a-uuid") == (
        validation("template_id is not a valid UUID")
    )


def test_sms_sender_id_not_a_uuid(test_client: NotificationsAPIClient) -> None:
    assert sms_error(test_client, phone_number="07700900123", sms_sender_id="abc") == validation(
        "sms_sender_id is not a valid UUID"
    )


def test_personalisation_not_an_object(sandbox: SandboxProcess) -> None:
    body = {
        "phone_number": "07700900123",
        "template_id": SMS_TEMPLATE,
        "personalisation": "not_a_dict",
    }
    response = post_raw(sandbox, body)
    assert (response.status_code, response.json()) == validation(
        "personalisation not_a_dict is not of type object"
    )


@pytest.mark.parametrize(
    ("value", "shown"), [(7700900001, "7700900001"), (None, "None"), (True, "True")]
)
def test_phone_number_not_a_string(sandbox: SandboxProcess, value: object, shown: str) -> None:
    response = post_raw(sandbox, {"phone_number": value, "template_id": PLAIN_SMS_TEMPLATE})
    assert (response.status_code, response.json()) == validation(
        f"phone_number {shown} is not of type string"
    )


def test_reference_too_long(test_client: NotificationsAPIClient) -> None:
    reference = "x" * 1001
    assert sms_error(test_client, phone_number="07700900123", reference=reference) == validation(
        f"reference {reference} is too long"
    )


def test_reference_of_1000_characters_is_accepted(test_client: NotificationsAPIClient) -> None:
    response = test_client.send_sms_notification(
        "07700900123", PLAIN_SMS_TEMPLATE, reference="r" * 1000
    )
    assert response["reference"] == "r" * 1000


def test_scheduled_for_in_the_past(sandbox: SandboxProcess) -> None:
    earlier = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
    body = {
        "phone_number": "07700900123",
        "template_id": PLAIN_SMS_TEMPLATE,
        "scheduled_for": earlier,
    }
    response = post_raw(sandbox, body)
    assert (response.status_code, response.json()) == validation(
        "scheduled_for datetime can not be in the past"
    )


# -- phone numbers (5.1; 13.1 g, h) --------------------------------------------------------


@pytest.mark.parametrize(
    ("phone_number", "message"),
    [
        ("07515111*11", "Must not contain letters or symbols"),
        ("notaphonenumber", "Must not contain letters or symbols"),
        ("07890x32109", "Must not contain letters or symbols"),
        ("ALPHANUM3R1C", "Must not contain letters or symbols"),
        ("08515111111", "Number is not valid \u2013 double check the phone number you entered"),
        ("0772345678", "Number is not valid \u2013 double check the phone number you entered"),
        ("00447723456", "Number is not valid \u2013 double check the phone number you entered"),
        ("0772345678910", "Too many digits"),
        ("", "Not enough digits"),
    ],
)
def test_invalid_phone_numbers(
    test_client: NotificationsAPIClient, phone_number: str, message: str
) -> None:
    assert sms_error(test_client, phone_number=phone_number) == validation(
        f"phone_number {message}"
    )


def test_uk_landline_without_permission_is_not_a_uk_mobile(
    test_client: NotificationsAPIClient,
) -> None:
    assert sms_error(test_client, phone_number="01709510122") == (
        400,
        envelope(400, ("InvalidPhoneError", "Not a UK mobile number")),
    )


# -- template checks ---------------------------------------------------------------------


def test_unknown_template(test_client: NotificationsAPIClient) -> None:
    assert sms_error(test_client, phone_number="07700900123", template_id=UNKNOWN_ID) == (
        bad_request("Template not found")
    )


def test_template_of_another_service_is_not_found(test_client: NotificationsAPIClient) -> None:
    assert sms_error(test_client, phone_number="07700900123", template_id=TRIAL_SMS_TEMPLATE) == (
        bad_request("Template not found")
    )


def test_email_template_for_sms(test_client: NotificationsAPIClient) -> None:
    assert sms_error(test_client, phone_number="07700900123", template_id=EMAIL_TEMPLATE) == (
        bad_request("email template is not suitable for sms notification")
    )


def test_missing_personalisation_names_are_in_template_order(
    test_client: NotificationsAPIClient,
) -> None:
    assert sms_error(test_client, phone_number="07700900123", personalisation=None) == (
        bad_request("Missing personalisation: name, code")
    )


def test_missing_one_personalisation_value(test_client: NotificationsAPIClient) -> None:
    assert sms_error(test_client, phone_number="07700900123", personalisation={"code": 1}) == (
        bad_request("Missing personalisation: name")
    )


def test_null_personalisation_value_counts_as_missing(sandbox: SandboxProcess) -> None:
    body = {
        "phone_number": "07700900123",
        "template_id": SMS_TEMPLATE,
        "personalisation": {"name": None, "code": ""},
    }
    response = post_raw(sandbox, body)
    assert (response.status_code, response.json()) == bad_request("Missing personalisation: name")


def test_sms_over_918_characters(test_client: NotificationsAPIClient) -> None:
    body_length = len("Hello , your code is 1.") + 900
    assert sms_error(
        test_client, phone_number="07700900123", personalisation={"name": "a" * 900, "code": 1}
    ) == bad_request(
        "Your message is too long. Text messages cannot be longer than 918 characters. "
        f"Your message is {body_length} characters long."
    )


# -- sender ------------------------------------------------------------------------------


def test_unknown_sms_sender_id(test_client: NotificationsAPIClient) -> None:
    assert sms_error(test_client, phone_number="07700900123", sms_sender_id=UNKNOWN_ID) == (
        bad_request(
            f"sms_sender_id {UNKNOWN_ID} does not exist in database for service id {LIVE_SERVICE}"
        )
    )


# -- team keys and trial mode (2.1; 13.1 r) ----------------------------------------------

TEAM_ONLY = "Can\u2019t send to this recipient using a team-only API key"
TRIAL_MODE = (
    "Can\u2019t send to this recipient when service is in trial mode \u2013 see "
    "https://www.notifications.service.gov.uk/trial-mode"
)


@pytest.mark.parametrize("phone_number", ["07700900999", "07700900000", "07700900001"])
def test_team_key_to_a_stranger(sandbox: SandboxProcess, phone_number: str) -> None:
    client = client_for(sandbox.base_url, "team")
    assert sms_error(client, phone_number=phone_number) == bad_request(TEAM_ONLY)


@pytest.mark.parametrize(
    "phone_number", ["07700900501", "+44 7700 900501", "447700900501", "07700900502"]
)
def test_team_key_to_team_member_or_guest_list(sandbox: SandboxProcess, phone_number: str) -> None:
    client = client_for(sandbox.base_url, "team")
    response = client.send_sms_notification(phone_number, PLAIN_SMS_TEMPLATE)
    assert response["content"]["body"] == "A plain message"


def test_trial_service_live_key_to_a_stranger(sandbox: SandboxProcess) -> None:
    client = client_for(sandbox.base_url, "trial-live")
    assert sms_error(
        client, phone_number="07700900999", template_id=TRIAL_SMS_TEMPLATE, personalisation=None
    ) == bad_request(TRIAL_MODE)


def test_trial_service_team_key_to_a_stranger(sandbox: SandboxProcess) -> None:
    client = client_for(sandbox.base_url, "trial-team")
    assert sms_error(
        client, phone_number="07700900999", template_id=TRIAL_SMS_TEMPLATE, personalisation=None
    ) == bad_request(TEAM_ONLY)


@pytest.mark.parametrize("key", ["trial-live", "trial-team"])
def test_trial_service_to_its_team_member(sandbox: SandboxProcess, key: str) -> None:
    client = client_for(sandbox.base_url, key)
    assert client.send_sms_notification("07700 900601", TRIAL_SMS_TEMPLATE)["id"]


def test_trial_service_test_key_sends_to_anyone(sandbox: SandboxProcess) -> None:
    client = client_for(sandbox.base_url, "trial-test")
    assert client.send_sms_notification("07700900999", TRIAL_SMS_TEMPLATE)["id"]


def test_live_key_on_a_live_service_sends_to_anyone(sandbox: SandboxProcess) -> None:
    client = client_for(sandbox.base_url, "live")
    assert client.send_sms_notification("07700900999", PLAIN_SMS_TEMPLATE)["id"]


# -- which error wins (3.4) --------------------------------------------------------------


def test_order_schema_before_template(test_client: NotificationsAPIClient) -> None:
    assert sms_error(test_client, phone_number="notaphonenumber", template_id=UNKNOWN_ID) == (
        validation("phone_number Must not contain letters or symbols")
    )


def test_order_template_before_sender(test_client: NotificationsAPIClient) -> None:
    assert sms_error(
        test_client, phone_number="07700900123", template_id=UNKNOWN_ID, sms_sender_id=UNKNOWN_ID
    ) == bad_request("Template not found")


def test_order_personalisation_before_sender(test_client: NotificationsAPIClient) -> None:
    assert sms_error(
        test_client, phone_number="07700900123", personalisation=None, sms_sender_id=UNKNOWN_ID
    ) == bad_request("Missing personalisation: name, code")


def test_order_sender_before_recipient(sandbox: SandboxProcess) -> None:
    client = client_for(sandbox.base_url, "team")
    assert sms_error(client, phone_number="07700900999", sms_sender_id=UNKNOWN_ID) == (
        bad_request(
            f"sms_sender_id {UNKNOWN_ID} does not exist in database for service id {LIVE_SERVICE}"
        )
    )


def test_order_allow_list_before_phone_permission(sandbox: SandboxProcess) -> None:
    client = client_for(sandbox.base_url, "team")
    assert sms_error(client, phone_number="01709510122") == bad_request(TEAM_ONLY)


def test_order_recipient_before_length(sandbox: SandboxProcess) -> None:
    client = client_for(sandbox.base_url, "team")
    assert sms_error(
        client, phone_number="07700900999", personalisation={"name": "a" * 1000, "code": 1}
    ) == bad_request(TEAM_ONLY)

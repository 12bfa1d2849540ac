"""GC sends (contract 3.1, 3.2, 3.4, 3.5, 7.3): shapes, texts, order, the 612 limit, GET."""

from __future__ import annotations

import pytest
from notifications_python_client.notifications import NotificationsAPIClient

from tests.contract_ca.support import (
    ARCHIVED_EMAIL,
    DOMESTIC_SMS,
    EMAIL_TEMPLATE,
    FREE_EMAIL,
    FREE_SMS,
    LIVE,
    SMS_TEMPLATE,
    SPACED_SENDER,
    answer,
    api_error,
    bad_request,
    client,
    envelope,
    jwt_for,
    post,
    raw,
    validation,
)
from tests.sandbox_process import SandboxProcess

NAME_CODE = {"name": "Ada", "code": "123"}
UNKNOWN_ID = "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5"


@pytest.fixture(scope="module")
def test_client(ca_sandbox: SandboxProcess) -> NotificationsAPIClient:
    return client(ca_sandbox.base_url, "test")


def test_sms_201_has_gc_shape(
    ca_sandbox: SandboxProcess, test_client: NotificationsAPIClient
) -> None:
    sent = test_client.send_sms_notification("+16135550123", SMS_TEMPLATE, NAME_CODE, "ref-1")
    root = ca_sandbox.base_url
    assert sent == {
        "id": sent["id"],
        "reference": "ref-1",
        # GC's prefix_sms is on by default, and the body carries it
        "content": {"body": "CA Live: Hello Ada, your code is 123.", "from_number": "+16135550100"},
        "uri": f"{root}/v2/notifications/{sent['id']}",
        "template": {
            "id": SMS_TEMPLATE,
            "version": 1,
            "uri": f"{root}/services/{LIVE}/templates/{SMS_TEMPLATE}",
        },
        "scheduled_for": None,
    }


def test_a_chosen_sms_sender_is_formatted_as_e164(test_client: NotificationsAPIClient) -> None:
    sent = test_client.send_sms_notification(
        "+16135550123", SMS_TEMPLATE, NAME_CODE, sms_sender_id=SPACED_SENDER
    )
    assert sent["content"]["from_number"] == "+16135550199"


def test_email_201_has_no_unsubscribe_and_no_sanitised_content(
    ca_sandbox: SandboxProcess, test_client: NotificationsAPIClient
) -> None:
    sent = test_client.send_email_notification(
        "someone@example.ca", EMAIL_TEMPLATE, {"name": "Ada", "doc": "x"}
    )
    assert set(sent) == {"id", "reference", "content", "uri", "template", "scheduled_for"}
    assert sent["content"] == {
        "from_email": "ca.live@notification.canada.ca",
        "body": "Dear Ada,\n\nYour file: x",
        "subject": "Hello Ada",
    }


def test_one_click_unsubscribe_url_is_not_a_gc_field(ca_sandbox: SandboxProcess) -> None:
    body = {
        "email_address": "a@example.ca",
        "template_id": FREE_EMAIL,
        "personalisation": {"text": "x"},
        "one_click_unsubscribe_url": "https://example.ca/unsubscribe",
    }
    assert answer(post(ca_sandbox.base_url, "email", body)) == validation(
        "Additional properties are not allowed (one_click_unsubscribe_url was unexpected)"
    )


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_non_json_content_type_is_415(ca_sandbox: SandboxProcess, content_type: str) -> None:
    body = {"phone_number": "+16135550123", "template_id": SMS_TEMPLATE}
    response = post(ca_sandbox.base_url, "sms", body, content_type=content_type)
    assert answer(response) == bad_request(
        "UnsupportedMediaType error: Did not attempt to load JSON data because the request "
        "Content-Type was not 'application/json'.",
        415,
    )


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "application/vnd.api+json"]
)
def test_json_content_types_are_read(ca_sandbox: SandboxProcess, content_type: str) -> None:
    body = {
        "phone_number": "+16135550123",
        "template_id": SMS_TEMPLATE,
        "personalisation": NAME_CODE,
    }
    assert post(ca_sandbox.base_url, "sms", body, content_type=content_type).status_code == 201


@pytest.mark.parametrize("body", ["this is not json", "", "{"])
def test_bad_json_gets_gc_text(ca_sandbox: SandboxProcess, body: str) -> None:
    assert answer(post(ca_sandbox.base_url, "sms", body)) == bad_request(
        "Error decoding arguments: The browser (or proxy) sent a request that this server "
        "could not understand."
    )


def test_the_body_is_read_before_the_type_is_checked(ca_sandbox: SandboxProcess) -> None:
    response = post(ca_sandbox.base_url, "foo", "{", content_type="application/json")
    assert response.status_code == 400
    response = post(ca_sandbox.base_url, "foo", {}, content_type="application/json")
    assert response.status_code == 404


def test_reference_has_no_maximum_length(test_client: NotificationsAPIClient) -> None:
    reference = "r" * 5000
    sent = test_client.send_sms_notification("+16135550123", SMS_TEMPLATE, NAME_CODE, reference)
    assert sent["reference"] == reference


def test_template_texts(test_client: NotificationsAPIClient) -> None:
    assert api_error(
        lambda: test_client.send_email_notification("a@example.ca", ARCHIVED_EMAIL)
    ) == bad_request(f"Template {ARCHIVED_EMAIL} has been deleted")
    assert api_error(
        lambda: test_client.send_sms_notification("+16135550123", SMS_TEMPLATE)
    ) == bad_request(f"Missing personalisation for template ID {SMS_TEMPLATE}: name, code")
    assert api_error(
        lambda: test_client.send_sms_notification("+16135550123", UNKNOWN_ID)
    ) == bad_request("Template not found")
    assert api_error(
        lambda: test_client.send_email_notification("a@example.ca", FREE_EMAIL, {"text": "  "})
    ) == bad_request("Message is empty or just whitespace")


def test_an_empty_sms_without_prefix_is_refused(ca_sandbox: SandboxProcess) -> None:
    domestic = client(ca_sandbox.base_url, "domestic-live")
    assert api_error(
        lambda: domestic.send_sms_notification("+16135550123", DOMESTIC_SMS, {"text": " "})
    ) == bad_request("Message is empty or just whitespace")


def test_the_612_limit_counts_the_prefix(test_client: NotificationsAPIClient) -> None:
    # "CA Live: " is 9 characters: 603 of text make 612, 604 make 613
    sent = test_client.send_sms_notification("+16135550123", FREE_SMS, {"text": "a" * 603})
    assert len(sent["content"]["body"]) == 612
    assert api_error(
        lambda: test_client.send_sms_notification("+16135550123", FREE_SMS, {"text": "a" * 604})
    ) == bad_request("Content for template has a character count greater than the limit of 612")


def test_the_612_limit_counts_utf8_bytes(test_client: NotificationsAPIClient) -> None:
    # "é" is kept by SMS sanitising and takes two bytes in GC's count
    text = "é" * 301 + "a"  # 9 + 301 * 2 + 1 = 612
    assert test_client.send_sms_notification("+16135550123", FREE_SMS, {"text": text})
    assert api_error(
        lambda: test_client.send_sms_notification("+16135550123", FREE_SMS, {"text": "é" * 302})
    ) == bad_request("Content for template has a character count greater than the limit of 612")


def test_template_checks_come_before_the_recipient(test_client: NotificationsAPIClient) -> None:
    # GC order: template (6) before recipient (8)
    assert api_error(
        lambda: test_client.send_sms_notification("+16135550123", UNKNOWN_ID)
    ) == bad_request("Template not found")


def test_get_by_id_has_gc_fields(
    ca_sandbox: SandboxProcess, test_client: NotificationsAPIClient
) -> None:
    sent = test_client.send_sms_notification("+16135550123", SMS_TEMPLATE, NAME_CODE)
    got = test_client.get_notification_by_id(sent["id"])
    assert set(got) == {
        "id", "reference", "email_address", "phone_number", "line_1", "line_2", "line_3",
        "line_4", "line_5", "line_6", "postcode", "type", "status", "template", "body",
        "subject", "created_at", "created_by_name", "sent_at", "completed_at", "scheduled_for",
        "postage", "status_description", "provider_response",
    }  # fmt: skip
    assert got["body"] == "CA Live: Hello Ada, your code is 123."
    assert got["phone_number"] == "+16135550123"


def test_get_of_an_unknown_id_is_gcs_bare_404(ca_sandbox: SandboxProcess) -> None:
    response = raw(
        ca_sandbox.base_url,
        "GET",
        f"/v2/notifications/{UNKNOWN_ID}",
        authorization=f"Bearer {jwt_for('test')}",
    )
    assert answer(response) == (
        404,
        {"result": "error", "message": "Notification not found in database"},
    )
    bad = raw(
        ca_sandbox.base_url,
        "GET",
        "/v2/notifications/not-a-uuid",
        authorization=f"Bearer {jwt_for('test')}",
    )
    assert answer(bad) == (
        400,
        envelope(400, ("ValidationError", "notification_id is not a valid UUID")),
    )


def test_the_list_accepts_include_jobs_false_and_shows_gc_fields(
    ca_sandbox: SandboxProcess, test_client: NotificationsAPIClient
) -> None:
    test_client.send_sms_notification("+16135550123", SMS_TEMPLATE, NAME_CODE, "listed")
    response = raw(
        ca_sandbox.base_url,
        "GET",
        "/v2/notifications?include_jobs=false&reference=listed",
        authorization=f"Bearer {jwt_for('test')}",
    )
    assert response.status_code == 200
    first = response.json()["notifications"][0]
    assert "status_description" in first and "cost_details" not in first


def test_gc_status_list(ca_sandbox: SandboxProcess) -> None:
    response = raw(
        ca_sandbox.base_url,
        "GET",
        "/v2/notifications?status=elephant",
        authorization=f"Bearer {jwt_for('test')}",
    )
    assert answer(response) == validation(
        "status elephant is not one of [cancelled, created, sending, sent, delivered, pending, "
        "failed, technical-failure, temporary-failure, permanent-failure, provider-failure, "
        "pending-virus-check, validation-failed, virus-scan-failed, returned-letter, "
        "pii-check-failed, accepted, received]"
    )
    for status in ("provider-failure", "pii-check-failed", "accepted, received"):
        found = raw(
            ca_sandbox.base_url,
            "GET",
            "/v2/notifications",
            params={"status": status},
            authorization=f"Bearer {jwt_for('test')}",
        )
        assert found.status_code == 200, status

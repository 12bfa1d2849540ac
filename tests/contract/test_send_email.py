"""POST /v2/notifications/email: the 201 shape and validation texts (3.2, 3.4, 5.2)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from notifications_python_client.notifications import NotificationsAPIClient

from tests.contract.support import (
    ARCHIVED_EMAIL_TEMPLATE,
    EMAIL_TEMPLATE,
    LIVE_SERVICE,
    PLAIN_SMS_TEMPLATE,
    REPLY_TO,
    SECRETS,
    api_error,
    client_for,
    envelope,
    make_token,
    raw,
    unique_reference,
)
from tests.sandbox_process import SandboxProcess

UNKNOWN_ID = "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5"
PERSONALISATION = {"name": "Ada", "items": "things", "show": "yes"}
FROM_EMAIL = "contract.live@notifications.service.gov.uk"


@pytest.fixture(scope="module")
def test_client(sandbox: SandboxProcess) -> NotificationsAPIClient:
    return client_for(sandbox.base_url, "test")


def email_error(client: NotificationsAPIClient, **fields: Any) -> tuple[int, object]:
    fields.setdefault("template_id", EMAIL_TEMPLATE)
    fields.setdefault("personalisation", PERSONALISATION)
    return api_error(lambda: client.send_email_notification(**fields))


def post_raw(sandbox: SandboxProcess, body: object) -> requests.Response:
    return raw(
        sandbox.base_url,
        "POST",
        "/v2/notifications/email",
        token=make_token(secret=SECRETS["test"]),
        data=json.dumps(body),
    )


def validation(*messages: str) -> tuple[int, dict[str, object]]:
    return 400, envelope(400, *(("ValidationError", m) for m in messages))


def bad_request(message: str) -> tuple[int, dict[str, object]]:
    return 400, envelope(400, ("BadRequestError", message))


# -- 201 ---------------------------------------------------------------------------


def test_201_shape_is_exact(sandbox: SandboxProcess, test_client: NotificationsAPIClient) -> None:
    reference = unique_reference("email-shape")
    response = test_client.send_email_notification(
        "someone@example.com", EMAIL_TEMPLATE, personalisation=PERSONALISATION, reference=reference
    )
    notification_id = response["id"]
    assert response == {
        "id": notification_id,
        "reference": reference,
        "content": {
            "from_email": FROM_EMAIL,
            "body": "Dear Ada,\n\nthings\n\nExtra text",
            "subject": "Hello Ada",
            "one_click_unsubscribe_url": None,
        },
        "uri": f"{sandbox.base_url}/v2/notifications/{notification_id}",
        "template": {
            "id": EMAIL_TEMPLATE,
            "version": 1,
            "uri": f"{sandbox.base_url}/services/{LIVE_SERVICE}/templates/{EMAIL_TEMPLATE}",
        },
        "scheduled_for": None,
        "sanitised_content": {},
    }


def test_body_is_raw_markdown_with_lists_and_conditionals(
    test_client: NotificationsAPIClient,
) -> None:
    response = test_client.send_email_notification(
        "someone@example.com",
        EMAIL_TEMPLATE,
        personalisation={"name": "Ada", "items": ["a", "", None, "b"], "show": "no"},
    )
    assert response["content"]["body"] == "Dear Ada,\n\n\n\n* a\n* b"


def test_subject_gets_nice_typography(test_client: NotificationsAPIClient) -> None:
    response = test_client.send_email_notification(
        "someone@example.com",
        EMAIL_TEMPLATE,
        personalisation={**PERSONALISATION, "name": 'O\'Brien - "Ada"'},
    )
    assert response["content"]["subject"] == "Hello O\u2019Brien \u2013 \u201cAda\u201d"


def test_one_click_unsubscribe_url_is_echoed(test_client: NotificationsAPIClient) -> None:
    url = "https://example.com/unsubscribe?u=1"
    response = test_client.send_email_notification(
        "someone@example.com",
        EMAIL_TEMPLATE,
        personalisation=PERSONALISATION,
        one_click_unsubscribe_url=url,
    )
    assert response["content"]["one_click_unsubscribe_url"] == url
    got = test_client.get_notification_by_id(response["id"])
    assert got["one_click_unsubscribe_url"] == url


def test_sanitised_content_is_present_and_empty_when_nothing_changed(
    test_client: NotificationsAPIClient,
) -> None:
    response = test_client.send_email_notification(
        "someone@example.com",
        EMAIL_TEMPLATE,
        personalisation=PERSONALISATION,
        sanitise_content_for=["name"],
    )
    assert response["sanitised_content"] == {}


def test_email_reply_to_id_is_accepted(test_client: NotificationsAPIClient) -> None:
    response = test_client.send_email_notification(
        "someone@example.com",
        EMAIL_TEMPLATE,
        personalisation=PERSONALISATION,
        email_reply_to_id=REPLY_TO,
    )
    assert response["content"]["from_email"] == FROM_EMAIL


# -- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    ["not-an-email", "example", "with(brackets)@example.com", "a..b@example.com", "a@b", ""],
)
def test_invalid_email_address(test_client: NotificationsAPIClient, address: str) -> None:
    assert email_error(test_client, email_address=address) == validation(
        "email_address Not a valid email address"
    )


def test_required_properties(sandbox: SandboxProcess) -> None:
    response = post_raw(sandbox, {"template": "x"})
    assert (response.status_code, response.json()) == validation(
        "email_address is a required property",
        "template_id is a required property",
        "Additional properties are not allowed (template was unexpected)",
    )


def test_one_click_unsubscribe_url_must_be_https(test_client: NotificationsAPIClient) -> None:
    assert email_error(
        test_client,
        email_address="someone@example.com",
        one_click_unsubscribe_url="http://example.com/unsubscribe",
    ) == validation("one_click_unsubscribe_url is not a valid https url")


def test_email_reply_to_id_not_a_uuid(test_client: NotificationsAPIClient) -> None:
    assert email_error(
        test_client, email_address="someone@example.com", email_reply_to_id="abc"
    ) == validation("email_reply_to_id is not a valid UUID")


def test_unknown_email_reply_to_id(test_client: NotificationsAPIClient) -> None:
    assert email_error(
        test_client, email_address="someone@example.com", email_reply_to_id=UNKNOWN_ID
    ) == bad_request(
        f"email_reply_to_id {UNKNOWN_ID} does not exist in database for service id {LIVE_SERVICE}"
    )


def test_unknown_template(test_client: NotificationsAPIClient) -> None:
    assert email_error(
        test_client, email_address="someone@example.com", template_id=UNKNOWN_ID
    ) == bad_request("Template not found")


def test_sms_template_for_email(test_client: NotificationsAPIClient) -> None:
    assert email_error(
        test_client, email_address="someone@example.com", template_id=PLAIN_SMS_TEMPLATE
    ) == bad_request("sms template is not suitable for email notification")


def test_archived_template(test_client: NotificationsAPIClient) -> None:
    assert email_error(
        test_client, email_address="someone@example.com", template_id=ARCHIVED_EMAIL_TEMPLATE
    ) == bad_request("Template has been deleted")


def test_missing_personalisation(test_client: NotificationsAPIClient) -> None:
    assert email_error(
        test_client, email_address="someone@example.com", personalisation={"items": "x"}
    ) == bad_request("Missing personalisation: name, show")


def test_team_key_to_a_stranger(sandbox: SandboxProcess) -> None:
    client = client_for(sandbox.base_url, "team")
    assert email_error(client, email_address="stranger@example.com") == bad_request(
        "Can\u2019t send to this recipient using a team-only API key"
    )


@pytest.mark.parametrize(
    "address", ["member@example.com", "MEMBER@Example.com", "guest@example.com"]
)
def test_team_key_to_team_member_or_guest_list(sandbox: SandboxProcess, address: str) -> None:
    client = client_for(sandbox.base_url, "team")
    response = client.send_email_notification(address, EMAIL_TEMPLATE, PERSONALISATION)
    assert response["content"]["subject"] == "Hello Ada"


def test_email_over_2000000_bytes(test_client: NotificationsAPIClient) -> None:
    size = len("Dear ,\n\nthings\n\nExtra text") + 2_000_000
    assert email_error(
        test_client,
        email_address="someone@example.com",
        personalisation={**PERSONALISATION, "name": "a" * 2_000_000},
    ) == bad_request(
        "Your message is too long. Emails cannot be longer than 2000000 bytes. "
        f"Your message is {size} bytes."
    )


def test_order_template_before_reply_to_before_recipient(sandbox: SandboxProcess) -> None:
    client = client_for(sandbox.base_url, "team")
    assert email_error(
        client, email_address="stranger@example.com", email_reply_to_id=UNKNOWN_ID
    ) == bad_request(
        f"email_reply_to_id {UNKNOWN_ID} does not exist in database for service id {LIVE_SERVICE}"
    )

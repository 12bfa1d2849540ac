"""sanitise_content_for through the official Python client (contract 3.2; notifications-api
app/v2/notifications/post_notifications.py ``sanitise_personalisation_item``)."""

from __future__ import annotations

import pytest
from notifications_python_client.notifications import NotificationsAPIClient

from tests.contract.support import EMAIL_TEMPLATE, client_for
from tests.sandbox_process import SandboxProcess


@pytest.fixture(scope="module")
def test_client(sandbox: SandboxProcess) -> NotificationsAPIClient:
    return client_for(sandbox.base_url, "test")


def test_link_removed_and_markdown_escaped_in_body_subject_and_stored(
    test_client: NotificationsAPIClient,
) -> None:
    uuid_value = "3f1c2a9e-0b7d-4c1e-9a52-6d8e0f4b7a13"
    response = test_client.send_email_notification(
        "someone@example.com",
        EMAIL_TEMPLATE,
        personalisation={
            "Name": "User, [click here](https://evil.link)",
            "items": uuid_value,
            "show": "no",
        },
        sanitise_content_for=["NAME", "items"],
    )
    name = "User, \\[click here\\]\\(\\)"
    items = "3f1c2a9e\\-0b7d\\-4c1e\\-9a52\\-6d8e0f4b7a13"
    assert response["sanitised_content"] == {
        "Name": {"unsanitised": "User, [click here](https://evil.link)", "sanitised": name},
        "items": {"unsanitised": uuid_value, "sanitised": items},
    }
    assert response["content"]["body"] == f"Dear {name},\n\n{items}"
    assert response["content"]["subject"] == f"Hello {name}"
    stored = test_client.get_notification_by_id(response["id"])
    assert stored["body"] == f"Dear {name},\n\n{items}"


def test_accidental_link_is_broken_up_and_unnamed_keys_are_left(
    test_client: NotificationsAPIClient,
) -> None:
    response = test_client.send_email_notification(
        "someone@example.com",
        EMAIL_TEMPLATE,
        personalisation={"name": "example.com", "items": "example.com", "show": "no"},
        sanitise_content_for=["name"],
    )
    assert response["sanitised_content"] == {
        "name": {"unsanitised": "example.com", "sanitised": "example\\. com"}
    }
    assert response["content"]["body"] == "Dear example\\. com,\n\nexample.com"

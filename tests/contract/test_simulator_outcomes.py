"""The test-key simulator: magic outcomes, status path, smoke-test recipients (2.2, 5.3, 5.4)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from notifications_python_client.notifications import NotificationsAPIClient

from tests.contract.support import (
    EMAIL_TEMPLATE,
    PLAIN_SMS_TEMPLATE,
    TIMELINE_EMAIL,
    TIMELINE_SMS,
    TIMESTAMP,
    api_error,
    client_for,
    envelope,
    poll_until,
    unique_reference,
    wait_for_status,
)
from tests.sandbox_process import SandboxProcess

EMAIL_PERSONALISATION = {"name": "Ada", "items": "x", "show": "no"}

SMS_OUTCOMES = {
    "07700900003": "temporary-failure",
    "07700900002": "permanent-failure",
    "+447700900003": "temporary-failure",
    "+447700900002": "permanent-failure",
    "447700900003": "temporary-failure",
    " 07700900003 ": "temporary-failure",  # trimmed before the suffix match
    "07700 900003": "delivered",  # the suffix match is on the number as submitted
    "07700900123": "delivered",
    "07723456789": "delivered",
}
EMAIL_OUTCOMES = {
    "temp-fail@simulator.notify": "temporary-failure",
    "perm-fail@simulator.notify": "permanent-failure",
    "Temp-Fail@simulator.notify": "delivered",  # exact, case-sensitive
    "delivered@simulator.notify": "delivered",
    "someone@example.com": "delivered",
}


@pytest.fixture(scope="module")
def test_client(sandbox: SandboxProcess) -> NotificationsAPIClient:
    return client_for(sandbox.base_url, "test")


@pytest.fixture(scope="module")
def sent(test_client: NotificationsAPIClient) -> dict[str, str]:
    """Send every magic recipient once, up front, so the timelines run side by side."""
    ids = {}
    for number in SMS_OUTCOMES:
        ids[number] = test_client.send_sms_notification(number, PLAIN_SMS_TEMPLATE)["id"]
    for address in EMAIL_OUTCOMES:
        ids[address] = test_client.send_email_notification(
            address, EMAIL_TEMPLATE, EMAIL_PERSONALISATION
        )["id"]
    return ids


@pytest.mark.parametrize(("recipient", "final"), [*SMS_OUTCOMES.items(), *EMAIL_OUTCOMES.items()])
def test_magic_recipient_final_status(
    test_client: NotificationsAPIClient, sent: dict[str, str], recipient: str, final: str
) -> None:
    seen = wait_for_status(test_client, sent[recipient])
    assert seen[-1]["status"] == final


def test_live_key_recipients_are_not_simulated_by_magic_numbers(sandbox: SandboxProcess) -> None:
    # magic outcomes belong to test keys; a live key's 07700900003 is not a temp failure
    client = client_for(sandbox.base_url, "live")
    notification_id = client.send_sms_notification("07700900003", PLAIN_SMS_TEMPLATE)["id"]
    seen = poll_until(
        lambda: client.get_notification_by_id(notification_id),
        lambda n: n["status"] not in {"created", "sending", "pending"},
    )
    assert seen[-1]["status"] != "temporary-failure"


def test_status_path_created_sending_final(timeline_client: NotificationsAPIClient) -> None:
    """created -> sending -> final, with sent_at and completed_at, seen through GET."""
    finals = {}
    for number, final in (("07700900123", "delivered"), ("07700900002", "permanent-failure")):
        finals[timeline_client.send_sms_notification(number, TIMELINE_SMS)["id"]] = final
    for address, final in (
        ("temp-fail@simulator.notify", "temporary-failure"),
        ("someone@example.com", "delivered"),
    ):
        finals[timeline_client.send_email_notification(address, TIMELINE_EMAIL)["id"]] = final
    seen: dict[str, list[dict[str, Any]]] = {notification_id: [] for notification_id in finals}
    deadline = time.monotonic() + 10
    while any(not s or s[-1]["status"] != finals[i] for i, s in seen.items()):
        assert time.monotonic() < deadline, seen
        for notification_id, snapshots in seen.items():
            current = timeline_client.get_notification_by_id(notification_id)
            if not snapshots or snapshots[-1] != current:
                snapshots.append(current)
        time.sleep(0.05)
    for notification_id, snapshots in seen.items():
        assert [n["status"] for n in snapshots] == ["created", "sending", finals[notification_id]]
        created, sending, done = snapshots
        assert created["sent_at"] is None and created["completed_at"] is None
        assert sending["sent_at"] is not None and sending["completed_at"] is None
        assert done["sent_at"] == sending["sent_at"]
        assert done["completed_at"] is not None
        assert created["created_at"] == sending["created_at"] == done["created_at"]
        for stamp in (done["created_at"], done["sent_at"], done["completed_at"]):
            assert TIMESTAMP.match(stamp), stamp
        assert done["created_at"] <= done["sent_at"] <= done["completed_at"]


def test_international_sms_is_sent_not_sending(test_client: NotificationsAPIClient) -> None:
    response = test_client.send_sms_notification("+12025550104", PLAIN_SMS_TEMPLATE)
    seen = poll_until(
        lambda: test_client.get_notification_by_id(response["id"]),
        lambda n: n["status"] not in {"created"},
    )
    assert seen[-1]["status"] == "sent"
    assert seen[-1]["sent_at"] is not None


def test_final_status_is_stable(test_client: NotificationsAPIClient, sent: dict[str, str]) -> None:
    notification_id = sent["07700900002"]
    first = wait_for_status(test_client, notification_id)[-1]
    time.sleep(0.3)
    assert test_client.get_notification_by_id(notification_id) == first


# -- smoke-test recipients (5.4; 13.1 q) -----------------------------------------------

SMOKE_SMS = ["07700900000", "+447700900000", "+447700900111", "07700 900 222", "07700900111"]
SMOKE_EMAIL = [
    "simulate-delivered@notifications.service.gov.uk",
    "simulate-delivered-2@notifications.service.gov.uk",
    "simulate-delivered-3@notifications.service.gov.uk",
    "Simulate-Delivered@Notifications.Service.Gov.UK",
]
NOT_FOUND = (404, envelope(404, ("NoResultFound", "No result found")))


@pytest.mark.parametrize("number", SMOKE_SMS)
@pytest.mark.parametrize("key", ["test", "live"])
def test_smoke_test_number_answers_201_and_is_not_stored(
    sandbox: SandboxProcess, key: str, number: str
) -> None:
    client = client_for(sandbox.base_url, key)
    reference = unique_reference("smoke")
    response = client.send_sms_notification(number, PLAIN_SMS_TEMPLATE, reference=reference)
    assert response["content"] == {"body": "A plain message", "from_number": "GOVUK"}
    assert response["reference"] == reference
    assert api_error(lambda: client.get_notification_by_id(response["id"])) == NOT_FOUND
    assert client.get_all_notifications(reference=reference)["notifications"] == []


@pytest.mark.parametrize("address", SMOKE_EMAIL)
def test_smoke_test_email_answers_201_and_is_not_stored(
    test_client: NotificationsAPIClient, address: str
) -> None:
    response = test_client.send_email_notification(address, EMAIL_TEMPLATE, EMAIL_PERSONALISATION)
    assert response["content"]["subject"] == "Hello Ada"
    assert response["sanitised_content"] == {}
    assert api_error(lambda: test_client.get_notification_by_id(response["id"])) == NOT_FOUND


def test_smoke_test_ids_are_fresh(test_client: NotificationsAPIClient) -> None:
    ids = {
        test_client.send_sms_notification("07700900000", PLAIN_SMS_TEMPLATE)["id"] for _ in range(3)
    }
    assert len(ids) == 3


def test_smoke_test_recipients_are_still_validated(test_client: NotificationsAPIClient) -> None:
    status, body = api_error(
        lambda: test_client.send_email_notification(
            "simulate-delivered@notifications.service.gov.uk", EMAIL_TEMPLATE, {"name": "x"}
        )
    )
    assert (status, body) == (
        400,
        envelope(400, ("BadRequestError", "Missing personalisation: items, show")),
    )


def test_team_key_to_smoke_test_number_is_refused(sandbox: SandboxProcess) -> None:
    client = client_for(sandbox.base_url, "team")
    status, body = api_error(
        lambda: client.send_sms_notification("07700900000", PLAIN_SMS_TEMPLATE)
    )
    assert (status, body) == (
        400,
        envelope(
            400, ("BadRequestError", "Can\u2019t send to this recipient using a team-only API key")
        ),
    )

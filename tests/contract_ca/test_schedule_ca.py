"""GC honours scheduled_for (contract 3.1, 3.5, 11): up to 96 hours ahead, sent when due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from notifications_python_client.notifications import NotificationsAPIClient

from tests.contract_ca.support import SMS_TEMPLATE, api_error, client, poll_until, validation
from tests.sandbox_process import SandboxProcess

NAME_CODE = {"name": "Ada", "code": "1"}


def ahead(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%S")


@pytest.fixture(scope="module")
def test(ca_sandbox: SandboxProcess) -> NotificationsAPIClient:
    return client(ca_sandbox.base_url, "test")


def schedule(
    test: NotificationsAPIClient, when: str, number: str = "+16135550123"
) -> dict[str, object]:
    # the official client has no scheduled_for argument; its request builder takes extras
    notification = {
        "phone_number": number,
        "template_id": SMS_TEMPLATE,
        "personalisation": NAME_CODE,
        "scheduled_for": when,
    }
    created: dict[str, object] = test.post("/v2/notifications/sms", data=notification)
    return created


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (ahead(hours=-1), "scheduled_for datetime cannot be in the past"),
        (ahead(hours=97), "scheduled_for datetime can only be up to 96 hours in the future"),
        (
            "tomorrow",
            "scheduled_for datetime format is invalid. It must be a valid ISO8601 date time "
            "format, https://en.wikipedia.org/wiki/ISO_8601",
        ),
    ],
)
def test_scheduled_for_window_texts(test: NotificationsAPIClient, when: str, message: str) -> None:
    assert api_error(lambda: schedule(test, when)) == validation(message)


def _worker_has_moved_on(test: NotificationsAPIClient) -> None:
    """Wait until the worker has taken a step on a send made now: any scheduled send made
    before it has been passed over by a worker poll by then, rather than not yet looked at."""
    control = test.post(
        "/v2/notifications/sms",
        data={
            "phone_number": "+16135550123",
            "template_id": SMS_TEMPLATE,
            "personalisation": NAME_CODE,
        },
    )
    poll_until(
        lambda: test.get_notification_by_id(control["id"]),
        lambda n: n["status"] != "created",
        timeout=10,
    )


def test_a_send_95_hours_ahead_waits_in_created(test: NotificationsAPIClient) -> None:
    when = ahead(hours=95)
    sent = schedule(test, when)
    assert sent["scheduled_for"] == when  # echoed as sent
    _worker_has_moved_on(test)
    got = test.get_notification_by_id(sent["id"])
    assert (got["status"], got["sent_at"]) == ("created", None)
    assert got["scheduled_for"] == f"{when}.000000Z"


def test_a_scheduled_send_goes_when_due(test: NotificationsAPIClient) -> None:
    when = ahead(seconds=3)
    sent = schedule(test, when)
    _worker_has_moved_on(test)
    assert test.get_notification_by_id(sent["id"])["status"] == "created"
    snapshots = poll_until(
        lambda: test.get_notification_by_id(sent["id"]),
        lambda n: n["status"] == "delivered",
        timeout=10,
    )
    final = snapshots[-1]
    assert final["sent_at"] >= f"{when}.000000Z"
    assert [s["status"] for s in snapshots][-2:] == ["sent", "delivered"]


def test_a_live_key_scheduled_send_goes_when_due(ca_sandbox: SandboxProcess) -> None:
    live = client(ca_sandbox.base_url, "live")
    when = ahead(seconds=2)
    sent = schedule(live, when, "+16135550155")
    assert live.get_notification_by_id(sent["id"])["status"] == "created"
    final = poll_until(
        lambda: live.get_notification_by_id(sent["id"]),
        lambda n: n["status"] != "created",
        timeout=10,
    )[-1]
    assert final["sent_at"] >= f"{when}.000000Z"

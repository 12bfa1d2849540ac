"""GC test-key outcomes and timelines (contract 2.3, 5.3, 6.2, 6.3)."""

from __future__ import annotations

import pytest
from notifications_python_client.notifications import NotificationsAPIClient

from tests.contract_ca.support import FREE_EMAIL, SMS_TEMPLATE, client, poll_until
from tests.sandbox_process import SandboxProcess

FINAL = {"delivered", "temporary-failure", "permanent-failure", "technical-failure",
         "provider-failure"}  # fmt: skip
NAME_CODE = {"name": "Ada", "code": "1"}


def timeline(test: NotificationsAPIClient, notification_id: str) -> list[dict[str, object]]:
    snapshots = poll_until(
        lambda: test.get_notification_by_id(notification_id),
        lambda n: n["status"] in FINAL,
        interval=0.02,
    )
    return [
        {k: s[k] for k in ("status", "status_description", "provider_response")}
        for s in snapshots
        if s["status"] != "created" or s is snapshots[0]
    ]


@pytest.fixture(scope="module")
def test(ca_sandbox: SandboxProcess) -> NotificationsAPIClient:
    return client(ca_sandbox.base_url, "test")


@pytest.mark.parametrize(
    ("number", "final", "description", "response"),
    [
        (
            "+15149301633",
            "temporary-failure",
            "Carrier issue",
            "Phone carrier is currently unreachable/unavailable",
        ),
        (
            "+15149301632",
            "permanent-failure",
            "No such number",
            "Phone is currently unreachable/unavailable",
        ),
        ("+15149301631", "delivered", "Delivered", None),
        # the match is a suffix on the number as sent: without "+1" it is just delivered
        ("514-930-1633", "delivered", "Delivered", None),
        ("+16135550123", "delivered", "Delivered", None),
    ],
)
def test_sms_goes_created_sent_final(
    test: NotificationsAPIClient, number: str, final: str, description: str, response: str | None
) -> None:
    sent = test.send_sms_notification(number, SMS_TEMPLATE, NAME_CODE)
    assert timeline(test, sent["id"]) == [
        {"status": "created", "status_description": "In transit", "provider_response": None},
        {"status": "sent", "status_description": "Sent", "provider_response": None},
        {"status": final, "status_description": description, "provider_response": response},
    ]


@pytest.mark.parametrize(
    ("address", "final", "description"),
    [
        ("temp-fail@simulator.notify", "temporary-failure", "Content or inbox issue"),
        ("perm-fail@simulator.notify", "permanent-failure", "No such address"),
        ("anyone@example.ca", "delivered", "Delivered"),
    ],
)
def test_email_goes_created_sending_final(
    test: NotificationsAPIClient, address: str, final: str, description: str
) -> None:
    sent = test.send_email_notification(address, FREE_EMAIL, {"text": "hello"})
    assert [s["status"] for s in timeline(test, sent["id"])] == ["created", "sending", final]
    got = test.get_notification_by_id(sent["id"])
    assert (got["status_description"], got["provider_response"]) == (description, None)


def test_the_provider_failure_status(test: NotificationsAPIClient) -> None:
    # a sandbox extra (simulator/data/simulator_ca.yaml): GC's provider-failure status
    sent = test.send_sms_notification("+15149301635", SMS_TEMPLATE, NAME_CODE)
    assert timeline(test, sent["id"])[-1] == {
        "status": "provider-failure",
        "status_description": "No such number",
        "provider_response": "Destination phone number opted out",
    }
    listed = test.get_all_notifications(status="provider-failure")["notifications"]
    assert sent["id"] in {n["id"] for n in listed}


def test_delivery_callbacks_have_gcs_shape(
    ca_sandbox: SandboxProcess, test: NotificationsAPIClient
) -> None:
    from tests.contract_ca.support import LIVE
    from tests.integration.callback_support import CallbackReceiver, admin_call, set_callback

    with CallbackReceiver() as receiver:
        assert set_callback(ca_sandbox, LIVE, receiver.url, "gc-callback-token").status_code == 200
        try:
            sent = test.send_sms_notification("+15149301632", SMS_TEMPLATE, NAME_CODE, "cb")
            # GC pings a callback when it is set up: the health check comes first
            ping, hit = receiver.wait_for(2, timeout=8)[:2]
            assert ping.body == {"health_check": "true"}
        finally:
            admin_call(
                ca_sandbox, "DELETE", f"/sandbox/v1/services/{LIVE}/callbacks/delivery-status"
            )
    body = hit.body
    assert set(body) == {
        "id", "reference", "to", "status", "status_description", "provider_response",
        "created_at", "completed_at", "sent_at", "notification_type",
    }  # fmt: skip
    assert {k: body[k] for k in ("id", "reference", "to", "status", "notification_type")} == {
        "id": sent["id"],
        "reference": "cb",
        "to": "+15149301632",
        "status": "permanent-failure",
        "notification_type": "sms",
    }
    assert (body["status_description"], body["provider_response"]) == (
        "No such number",
        "Phone is currently unreachable/unavailable",
    )

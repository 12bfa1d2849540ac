"""Durability: timelines carry on across a restart, nothing accepted is lost, fixtures reload
idempotently (issue 2, "Durability")."""

from __future__ import annotations

from tests.contract.support import (
    EMAIL_TEMPLATE,
    PLAIN_SMS_TEMPLATE,
    SMS_TEMPLATE,
    client_for,
    poll_until,
    wait_for_status,
)
from tests.sandbox_process import SandboxProcess

EMAIL_PERSONALISATION = {"name": "Ada", "items": "x", "show": "no"}
# slower than the default test timelines, so a restart surely lands in the middle of them
SLOW_TIMELINE = {"SANDBOX_SIM_SENDING_DELAY": "0.6", "SANDBOX_SIM_DELIVERY_DELAY": "0.6"}


def test_kill_in_the_middle_of_timelines_loses_nothing(fresh_sandbox: SandboxProcess) -> None:
    fresh_sandbox.extra_env = SLOW_TIMELINE
    fresh_sandbox.start()
    client = client_for(fresh_sandbox.base_url, "test")
    # sent first: these may be anywhere in their timelines when the process dies
    bulk = [
        client.send_sms_notification("07700900123", PLAIN_SMS_TEMPLATE)["id"] for _ in range(30)
    ]
    expected = {}
    for number, final in (
        ("07700900003", "temporary-failure"),
        ("07700900002", "permanent-failure"),
        ("07700900123", "delivered"),
    ):
        expected[client.send_sms_notification(number, PLAIN_SMS_TEMPLATE)["id"]] = final
    for address, final in (
        ("temp-fail@simulator.notify", "temporary-failure"),
        ("perm-fail@simulator.notify", "permanent-failure"),
        ("someone@example.com", "delivered"),
    ):
        notification_id = client.send_email_notification(
            address, EMAIL_TEMPLATE, EMAIL_PERSONALISATION
        )["id"]
        expected[notification_id] = final
    before = {n: client.get_notification_by_id(n) for n in expected}
    assert {n["status"] for n in before.values()} <= {"created", "sending"}

    fresh_sandbox.kill()  # SIGKILL: no clean shutdown
    fresh_sandbox.start()

    for notification_id, final in expected.items():
        done = wait_for_status(client, notification_id)[-1]
        assert done["status"] == final, notification_id
        assert done["created_at"] == before[notification_id]["created_at"]
        assert done["sent_at"] is not None and done["completed_at"] is not None
    listed = [n["id"] for n in client.get_all_notifications_iterator()]
    assert sorted(listed) == sorted([*expected, *bulk])
    assert len(listed) == len(set(listed))  # nothing duplicated either


def test_sigterm_while_sending_keeps_sent_at_and_finishes(fresh_sandbox: SandboxProcess) -> None:
    fresh_sandbox.extra_env = SLOW_TIMELINE
    fresh_sandbox.start()
    client = client_for(fresh_sandbox.base_url, "test")
    notification_id = client.send_sms_notification("07700900002", PLAIN_SMS_TEMPLATE)["id"]
    sending = poll_until(
        lambda: client.get_notification_by_id(notification_id),
        lambda n: n["status"] != "created",
    )[-1]
    assert sending["status"] == "sending"

    fresh_sandbox.stop()  # SIGTERM: a clean shutdown
    fresh_sandbox.start()

    done = wait_for_status(client, notification_id)[-1]
    assert done["status"] == "permanent-failure"
    assert done["sent_at"] == sending["sent_at"]
    assert done["completed_at"] >= done["sent_at"]


def test_fixture_reload_is_idempotent(fresh_sandbox: SandboxProcess) -> None:
    fresh_sandbox.start()
    client = client_for(fresh_sandbox.base_url, "test")
    notification_id = client.send_sms_notification(
        "07700900123", SMS_TEMPLATE, personalisation={"name": "Ada", "code": 1}
    )["id"]
    final = wait_for_status(client, notification_id)[-1]
    templates = client.get_all_templates()
    versions = (client.get_template_version(SMS_TEMPLATE, 1), client.get_template(SMS_TEMPLATE))
    received = client.get_received_texts()

    fresh_sandbox.stop()
    fresh_sandbox.start()  # loads the same fixture file a second time

    assert client.get_all_templates() == templates
    assert (
        client.get_template_version(SMS_TEMPLATE, 1),
        client.get_template(SMS_TEMPLATE),
    ) == versions
    assert client.get_received_texts() == received, "received texts changed on reload"
    assert client.get_notification_by_id(notification_id) == final
    for key in ("test", "team", "live"):  # every fixture key still works, none duplicated
        assert client_for(fresh_sandbox.base_url, key).get_all_templates() == templates

"""Delivery-status callbacks (issue 7, contract 8.1 and 8.2), received by a real server.

Every test makes a service of its own, so a callback left retrying by one test can never
reach the next test's receiver. Retries run on the sandbox's movable clock (a 60 s
schedule here), so no test waits for one in real time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from notifications_python_client.notifications import NotificationsAPIClient

from tests.integration.callback_support import (
    CallbackReceiver,
    admin_call,
    advance_clock,
    callback_attempts,
    parse_time,
    set_callback,
    wait_for_callback,
    write_fixture,
)
from tests.integration.lane_support import running_sandbox, status_history
from tests.integration.limits_support import LimitsService, new_service
from tests.sandbox_process import SandboxProcess

TOKEN = "callback-token-0123456789"
RETRY_SECONDS = 60
# a sandbox that may call back over plain http (the receivers are on 127.0.0.1)
CALLBACK_ENV = {
    "SANDBOX_CALLBACKS_ALLOW_HTTP": "true",
    "SANDBOX_CALLBACKS_ALLOW_ADDRESSES": "127.0.0.1",
    "SANDBOX_CALLBACK_RETRY_SCHEDULE": "60,60,60",
    # short, but not instant: sent_at and completed_at still differ from created_at
    "SANDBOX_SIM_SENDING_DELAY": "0.05",
    "SANDBOX_SIM_DELIVERY_DELAY": "0.05",
}
PAYLOAD_KEYS = {
    "id",
    "reference",
    "to",
    "status",
    "created_at",
    "completed_at",
    "sent_at",
    "notification_type",
    "template_id",
    "template_version",
}


@pytest.fixture(scope="module")
def callback_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with running_sandbox(tmp_path_factory.mktemp("callbacks"), env=CALLBACK_ENV) as sandbox:
        yield sandbox


@pytest.fixture
def service(callback_sandbox: SandboxProcess) -> LimitsService:
    return new_service(callback_sandbox)


def configure(service: LimitsService, url: str, token: str = TOKEN) -> None:
    response = set_callback(service.sandbox, service.id, url, token)
    assert response.status_code == 200, response.text


def final_notification(service: LimitsService, notification_id: str) -> dict[str, Any]:
    client = service.client("test")
    status_history(client, notification_id)
    return dict(client.get_notification_by_id(notification_id))


# -- the payload and the headers ---------------------------------------------------------
def test_a_delivered_sms_calls_back_with_notifys_exact_payload_and_headers(
    service: LimitsService,
) -> None:
    with CallbackReceiver() as receiver:
        configure(service, receiver.url)
        sent = service.sms("test", "07700 900123", reference="order-1234")

        [hit] = receiver.wait_for(1)
        shown = final_notification(service, sent["id"])

    assert hit.path == "/notify/callbacks"
    assert hit.headers.getall("Content-Type") == ["application/json"]
    assert hit.headers.getall("Authorization") == [f"Bearer {TOKEN}"]
    assert hit.body == {
        "id": sent["id"],
        "reference": "order-1234",
        "to": "07700 900123",  # as submitted
        "status": "delivered",
        "created_at": shown["created_at"],
        "completed_at": shown["completed_at"],
        "sent_at": shown["sent_at"],
        "notification_type": "sms",
        "template_id": service.sms_template,
        "template_version": 1,
    }
    assert set(hit.body) == PAYLOAD_KEYS
    for name, value in hit.body.items():
        expected = int if name == "template_version" else str
        assert type(value) is expected, (name, value)
    created, sent_at, completed = (
        parse_time(hit.body[name]) for name in ("created_at", "sent_at", "completed_at")
    )
    assert created <= sent_at <= completed


def test_an_email_without_a_reference_sends_null_and_the_template_version(
    service: LimitsService,
) -> None:
    response = admin_call(
        service.sandbox,
        "PATCH",
        f"/sandbox/v1/services/{service.id}/templates/{service.email_template}",
        {"body": "Second version"},
    )
    assert response.status_code == 200, response.text
    with CallbackReceiver() as receiver:
        configure(service, receiver.url)
        sent = service.email("test", "Someone@Example.com")
        [hit] = receiver.wait_for(1)

    assert hit.body["id"] == sent["id"]
    assert hit.body["reference"] is None
    assert hit.body["to"] == "Someone@Example.com"
    assert hit.body["notification_type"] == "email"
    assert hit.body["template_id"] == service.email_template
    assert hit.body["template_version"] == 2
    assert set(hit.body) == PAYLOAD_KEYS


@pytest.mark.parametrize(
    ("kind", "recipient", "status"),
    [
        ("sms", "07700900003", "temporary-failure"),
        ("sms", "07700900002", "permanent-failure"),
        ("email", "temp-fail@simulator.notify", "temporary-failure"),
        ("email", "perm-fail@simulator.notify", "permanent-failure"),
        ("sms", "07700900004", "technical-failure"),  # a sandbox extra
    ],
)
def test_a_test_key_calls_back_with_each_failure_status(
    service: LimitsService, kind: str, recipient: str, status: str
) -> None:
    with CallbackReceiver() as receiver:
        configure(service, receiver.url)
        send = service.sms if kind == "sms" else service.email
        sent = send("test", recipient)
        [hit] = receiver.wait_for(1)

    assert hit.body["id"] == sent["id"]
    assert hit.body["status"] == status
    assert hit.body["to"] == recipient


@pytest.mark.parametrize(("key", "kind"), [("team", "sms"), ("live", "email")])
def test_team_and_live_keys_call_back_once_the_outbox_delivered(
    service: LimitsService, key: str, kind: str
) -> None:
    with CallbackReceiver() as receiver:
        configure(service, receiver.url)
        sent = service.sms(key) if kind == "sms" else service.email(key)
        [hit] = receiver.wait_for(1)
        assert receiver.stays_at(1)

    shown = service.client(key).get_notification_by_id(sent["id"])
    assert hit.body["id"] == sent["id"]
    assert hit.body["status"] == "delivered"
    assert hit.body["notification_type"] == kind
    assert hit.body["completed_at"] == shown["completed_at"]
    assert hit.body["sent_at"] == shown["sent_at"]


def test_smoke_test_recipients_never_call_back(service: LimitsService) -> None:
    with CallbackReceiver() as receiver:
        configure(service, receiver.url)
        smoke_sms = service.sms("test", "07700900000")
        smoke_email = service.email("test", "simulate-delivered@notifications.service.gov.uk")
        ordinary = service.sms("test", "07700900123")
        [hit] = receiver.wait_for(1)
        assert receiver.stays_at(1)

    assert hit.body["id"] == ordinary["id"]
    assert callback_attempts(service.sandbox, smoke_sms["id"]) == []
    assert callback_attempts(service.sandbox, smoke_email["id"]) == []


def test_a_status_that_stays_pending_never_calls_back(service: LimitsService) -> None:
    with CallbackReceiver() as receiver:
        configure(service, receiver.url)
        pending = service.sms("test", "07700900006")
        assert status_history(service.client("test"), pending["id"], until={"pending"})
        ordinary = service.sms("test")
        [hit] = receiver.wait_for(1)
        assert receiver.stays_at(1)

    assert hit.body["id"] == ordinary["id"]
    assert callback_attempts(service.sandbox, pending["id"]) == []


def test_no_callback_is_queued_without_a_url_or_after_it_is_removed(
    service: LimitsService,
) -> None:
    before = service.sms("test")
    status_history(service.client("test"), before["id"])
    with CallbackReceiver() as receiver:
        configure(service, receiver.url)
        response = admin_call(
            service.sandbox,
            "DELETE",
            f"/sandbox/v1/services/{service.id}/callbacks/delivery-status",
        )
        assert response.status_code == 204, response.text
        after = service.sms("test")
        status_history(service.client("test"), after["id"])
        assert receiver.stays_at(0)

    assert callback_attempts(service.sandbox, before["id"]) == []
    assert callback_attempts(service.sandbox, after["id"]) == []


def test_a_retry_is_cancelled_when_the_callback_is_removed_meanwhile(
    service: LimitsService,
) -> None:
    with CallbackReceiver(answers=[500]) as receiver:
        configure(service, receiver.url)
        sent = service.sms("test")
        receiver.wait_for(1)
        wait_for_callback(service.sandbox, sent["id"], "retrying")
        admin_call(
            service.sandbox,
            "DELETE",
            f"/sandbox/v1/services/{service.id}/callbacks/delivery-status",
        )
        advance_clock(service.sandbox, RETRY_SECONDS)
        attempt = wait_for_callback(service.sandbox, sent["id"], "cancelled")
        assert receiver.stays_at(1)

    assert attempt["last_error"] == "no callback configured any more"


def test_the_settings_are_shown_with_the_token_masked(service: LimitsService) -> None:
    path = f"/sandbox/v1/services/{service.id}/callbacks"

    put = set_callback(service.sandbox, service.id, "https://example.com/cb", "abcdefghijkl")
    set_callback(
        service.sandbox, service.id, "https://example.com/in", "0123456789", kind="inbound-sms"
    )

    assert put.status_code == 200
    assert put.json() == {
        "delivery_status": {"url": "https://example.com/cb", "bearer_token": "ab**********"}
    }
    shown = admin_call(service.sandbox, "GET", path)
    assert shown.status_code == 200
    assert shown.json() == {
        "delivery_status": {"url": "https://example.com/cb", "bearer_token": "ab**********"},
        "inbound_sms": {"url": "https://example.com/in", "bearer_token": "01********"},
    }
    admin_call(service.sandbox, "DELETE", f"{path}/delivery-status")
    admin_call(service.sandbox, "DELETE", f"{path}/inbound-sms")
    assert admin_call(service.sandbox, "GET", path).json() == {}


# -- retries -------------------------------------------------------------------------------
@pytest.mark.parametrize("failure", [500, 429, 503])
def test_retried_on_5xx_and_429_as_the_clock_moves_then_delivered(
    service: LimitsService, failure: int
) -> None:
    with CallbackReceiver(answers=[failure, failure, 200]) as receiver:
        configure(service, receiver.url)
        sent = service.sms("test")

        receiver.wait_for(1)
        first = wait_for_callback(service.sandbox, sent["id"], "retrying")
        assert (first["attempts"], first["last_error"]) == (1, f"HTTP {failure}")
        assert receiver.stays_at(1)  # the retry waits for the sandbox clock

        advance_clock(service.sandbox, RETRY_SECONDS)
        receiver.wait_for(2)
        second = wait_for_callback(service.sandbox, sent["id"], "retrying")
        assert second["attempts"] == 2

        advance_clock(service.sandbox, RETRY_SECONDS)
        hits = receiver.wait_for(3)
        done = wait_for_callback(service.sandbox, sent["id"], "delivered")
        assert receiver.stays_at(3)

    assert (done["attempts"], done["last_error"]) == (3, None)
    assert [hit.body for hit in hits] == [hits[0].body] * 3  # the same payload each time
    assert hits[0].body["id"] == sent["id"]


def test_a_400_is_tried_exactly_once(service: LimitsService) -> None:
    with CallbackReceiver(answers=[400]) as receiver:
        configure(service, receiver.url)
        sent = service.sms("test")
        receiver.wait_for(1)
        attempt = wait_for_callback(service.sandbox, sent["id"], "failed")
        advance_clock(service.sandbox, RETRY_SECONDS * 10)
        assert receiver.stays_at(1)

    assert (attempt["attempts"], attempt["last_error"]) == (1, "HTTP 400")
    assert callback_attempts(service.sandbox, sent["id"]) == [attempt]


def test_retries_stop_when_the_schedule_is_used_up(service: LimitsService) -> None:
    with CallbackReceiver(answers=[500] * 10) as receiver:
        configure(service, receiver.url)
        sent = service.sms("test")
        for attempt in (1, 2, 3):
            receiver.wait_for(attempt)
            wait_for_callback(service.sandbox, sent["id"], "retrying")
            advance_clock(service.sandbox, RETRY_SECONDS)
        receiver.wait_for(4)
        last = wait_for_callback(service.sandbox, sent["id"], "failed")
        advance_clock(service.sandbox, RETRY_SECONDS * 10)
        assert receiver.stays_at(4)  # 1 try + 3 retries: SANDBOX_CALLBACK_RETRY_SCHEDULE

    assert (last["attempts"], last["last_error"]) == (4, "HTTP 500")


def test_a_connection_error_is_retried_against_the_url_set_meanwhile(
    service: LimitsService,
) -> None:
    with CallbackReceiver() as gone:
        closed_url = gone.url  # nothing listens there once the block ends
    configure(service, closed_url)
    sent = service.sms("test")
    attempt = wait_for_callback(service.sandbox, sent["id"], "retrying")
    assert (attempt["attempts"], attempt["last_error"]) == (1, "ConnectError")

    with CallbackReceiver() as receiver:
        configure(service, receiver.url, "a-new-token-123")
        advance_clock(service.sandbox, RETRY_SECONDS)
        [hit] = receiver.wait_for(1)
        done = wait_for_callback(service.sandbox, sent["id"], "delivered")

    assert hit.headers["Authorization"] == "Bearer a-new-token-123"
    assert hit.body["id"] == sent["id"]
    assert done["attempts"] == 2


def test_a_receiver_slower_than_5_seconds_times_out_and_is_retried(
    service: LimitsService,
) -> None:
    """The one test that waits: Notify's 5 s timeout is real time, not the sandbox clock's."""
    with CallbackReceiver(delays=[7]) as receiver:
        configure(service, receiver.url)
        sent = service.sms("test")
        [first] = receiver.wait_for(1)
        attempt = wait_for_callback(service.sandbox, sent["id"], "retrying", timeout=10)
        waited = time.monotonic() - first.at
        assert 4.5 <= waited < 6.9, waited  # gave up at 5 s, before the answer at 7 s
        assert (attempt["attempts"], attempt["last_error"]) == (1, "ReadTimeout")

        advance_clock(service.sandbox, RETRY_SECONDS)
        receiver.wait_for(2)
        done = wait_for_callback(service.sandbox, sent["id"], "delivered")

    assert done["attempts"] == 2


def test_a_pending_retry_survives_a_crash_and_is_delivered_after_the_restart(
    tmp_path: Path,
) -> None:
    env = {**CALLBACK_ENV, "SANDBOX_CALLBACK_RETRY_SCHEDULE": "60"}
    with CallbackReceiver(answers=[500]) as receiver:
        sandbox = SandboxProcess(tmp_path / "data", env=env).start()
        try:
            service = new_service(sandbox)
            configure(service, receiver.url)
            sent = service.sms("test")
            receiver.wait_for(1)
            wait_for_callback(sandbox, sent["id"], "retrying")

            sandbox.kill()  # SIGKILL: nothing is flushed on the way out
            sandbox.start()
            assert receiver.stays_at(1, 0.3)  # the retry is not due yet
            advance_clock(sandbox, RETRY_SECONDS)
            hits = receiver.wait_for(2)
            done = wait_for_callback(sandbox, sent["id"], "delivered")
            assert receiver.stays_at(2)
        finally:
            sandbox.stop()

    assert hits[1].body == hits[0].body
    assert hits[1].body["id"] == sent["id"]
    assert (done["attempts"], done["last_error"]) == (2, None)


# -- the settings' rules -----------------------------------------------------------------
def error_message(response: Any) -> str:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["status_code"] == 400
    [error] = body["errors"]
    assert error["error"] == "BadRequestError"
    return str(error["message"])


def test_https_is_required_unless_the_setting_allows_http(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox)

    refused = set_callback(sandbox, service.id, "http://example.com/callback", TOKEN)
    refused_inbound = set_callback(
        sandbox, service.id, "http://example.com/in", TOKEN, kind="inbound-sms"
    )
    odd = set_callback(sandbox, service.id, "ftp://example.com/callback", TOKEN)
    accepted = set_callback(sandbox, service.id, "https://example.com/callback", TOKEN)

    assert error_message(refused) == "url http://example.com/callback is not a valid https url"
    assert error_message(refused_inbound) == "url http://example.com/in is not a valid https url"
    assert error_message(odd) == "url ftp://example.com/callback is not a valid https url"
    assert accepted.status_code == 200


def test_plain_http_is_accepted_with_the_setting_on(service: LimitsService) -> None:
    response = set_callback(service.sandbox, service.id, "http://example.com/callback", TOKEN)
    assert response.status_code == 200, response.text


def test_the_bearer_token_needs_10_characters_and_a_url_is_required(
    service: LimitsService,
) -> None:
    url = "https://example.com/callback"
    path = f"/sandbox/v1/services/{service.id}/callbacks"

    short = set_callback(service.sandbox, service.id, url, "123456789")
    short_inbound = set_callback(service.sandbox, service.id, url, "short", kind="inbound-sms")
    no_url = admin_call(service.sandbox, "PUT", f"{path}/delivery-status", {"bearer_token": TOKEN})
    no_token = admin_call(service.sandbox, "PUT", f"{path}/delivery-status", {"url": url})
    just_enough = set_callback(service.sandbox, service.id, url, "1234567890")
    unknown_kind = set_callback(service.sandbox, service.id, url, TOKEN, kind="complaint")

    assert error_message(short) == "bearer_token must be at least 10 characters"
    assert error_message(short_inbound) == "bearer_token must be at least 10 characters"
    assert error_message(no_url) == "url is a required property"
    assert error_message(no_token) == "bearer_token must be at least 10 characters"
    assert just_enough.status_code == 200
    assert unknown_kind.status_code == 404
    assert unknown_kind.json()["errors"] == [
        {"error": "NoResultFound", "message": "No result found"}
    ]


def test_the_admin_token_is_required(service: LimitsService) -> None:
    response = requests.put(
        f"{service.sandbox.base_url}/sandbox/v1/services/{service.id}/callbacks/delivery-status",
        json={"url": "https://example.com/callback", "bearer_token": TOKEN},
        timeout=10,
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    "url",
    ["https://169.254.169.254/latest/meta-data", "https://[fe80::1]/callback"],
)
def test_a_link_local_or_metadata_target_is_refused_when_set(
    service: LimitsService, url: str
) -> None:
    """An address written in the URL is refused at once; names are checked when sending."""
    response = admin_call(
        service.sandbox,
        "PUT",
        f"/sandbox/v1/services/{service.id}/callbacks/delivery-status",
        {"url": url, "bearer_token": TOKEN},
    )
    assert response.status_code == 400
    assert "is not allowed" in response.json()["errors"][0]["message"]


def test_callbacks_declared_in_a_fixture_file(tmp_path: Path) -> None:
    with CallbackReceiver() as receiver:
        fixture = write_fixture(
            tmp_path / "callbacks.yaml",
            f"""
services:
  - id: 33333333-3333-4333-8333-333333333333
    name: Fixture Callbacks
    restricted: false
    api_keys:
      - {{name: fixture-test, key_type: test, secret: 43333333-3333-4333-8333-333333333333}}
    templates:
      - {{id: 53333333-3333-4333-8333-333333333333, type: sms, name: Hi, body: "Hi"}}
    callbacks:
      delivery_status: {{url: "{receiver.url}", bearer_token: fixture-token-123}}
      inbound_sms: {{url: "{receiver.url}/inbound", bearer_token: fixture-inbound-1}}
""",
        )
        with running_sandbox(tmp_path / "data", env=CALLBACK_ENV, fixtures=fixture) as sandbox:
            key = (
                "fixture-test-33333333-3333-4333-8333-333333333333-"
                "43333333-3333-4333-8333-333333333333"
            )
            client = NotificationsAPIClient(key, base_url=sandbox.base_url)
            sent = client.send_sms_notification(
                "07700900123", "53333333-3333-4333-8333-333333333333"
            )
            [hit] = receiver.wait_for(1)
            base = "/sandbox/v1/services/33333333-3333-4333-8333-333333333333"
            text = admin_call(
                sandbox,
                "POST",
                f"{base}/inbound-sms",
                {"user_number": "07700900456", "content": "Hi"},
            ).json()["data"]
            inbound = receiver.wait_for(2)[1]
            shown = admin_call(sandbox, "GET", f"{base}/callbacks").json()

    assert hit.path == "/notify/callbacks"
    assert hit.headers["Authorization"] == "Bearer fixture-token-123"
    assert hit.body["id"] == sent["id"]
    assert hit.body["status"] == "delivered"
    assert inbound.path == "/notify/callbacks/inbound"
    assert inbound.headers["Authorization"] == "Bearer fixture-inbound-1"
    assert inbound.body["id"] == text["id"]
    assert inbound.body["message"] == "Hi"
    assert shown == {
        "delivery_status": {"url": receiver.url, "bearer_token": "fi***************"},
        "inbound_sms": {"url": f"{receiver.url}/inbound", "bearer_token": "fi***************"},
    }

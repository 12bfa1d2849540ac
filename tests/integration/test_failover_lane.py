"""Retries, failover and technical-failure through webhook providers (issue 3).

The webhook endpoints are small real aiohttp servers in this process; the sandbox is a
subprocess configured with SANDBOX_CONFIG, SANDBOX_DISPATCH_ATTEMPTS=2 and a tiny backoff.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import pytest

from tests.integration.lane_support import (
    EMAIL_TEMPLATE,
    SMS_TEMPLATE,
    TEAM_EMAIL,
    TEAM_PHONE,
    Answer,
    Received,
    WebhookReceiver,
    admin_message,
    admin_messages,
    client_for,
    running_sandbox,
    status_history,
    unique_reference,
    wait_for_messages,
    write_config,
)
from tests.sandbox_process import SandboxProcess

ATTEMPTS = 2
DISPATCH_ENV = {
    "SANDBOX_DISPATCH_ATTEMPTS": str(ATTEMPTS),
    "SANDBOX_DISPATCH_BASE_DELAY": "0.01",
}
BEARER = "steady-bearer-s3cret-0f9e8d"


def answering(status: int) -> Answer:
    def answer(received: Received) -> tuple[int, dict[str, Any]]:
        return status, {"error": f"canned {status}"}

    return answer


def webhook(
    name: str, channel: str, priority: int, url: str, **settings: object
) -> dict[str, object]:
    return {
        "name": name,
        "kind": "webhook",
        "channel": channel,
        "priority": priority,
        "settings": {"url": f"{url}/messages", **settings},
    }


def for_notification(receiver: WebhookReceiver, notification_id: str) -> list[Received]:
    return [r for r in receiver.received if r.body.get("notification_id") == notification_id]


@dataclass
class FailoverRig:
    sandbox: SandboxProcess
    refusing: WebhookReceiver  # 400: not retryable
    flaky: WebhookReceiver  # 500: retryable
    steady: WebhookReceiver  # 200 delivered


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FailoverRig]:
    directory = tmp_path_factory.mktemp("failover")
    refusing = WebhookReceiver(answer=answering(400))
    flaky = WebhookReceiver(answer=answering(500))
    steady = WebhookReceiver()
    with ExitStack() as stack:
        urls = {r: stack.enter_context(r.serve()).url for r in (refusing, flaky, steady)}
        # priorities deliberately not in file order: the chain sorts by priority
        config = write_config(
            directory / "sandbox.toml",
            [
                webhook("steady", "sms", 20, urls[steady], bearer_token=BEARER),
                webhook("refusing", "sms", 10, urls[refusing]),
                webhook("flaky", "email", 1, urls[flaky]),
                webhook("steady", "email", 2, urls[steady], bearer_token=BEARER),
            ],
        )
        sandbox = stack.enter_context(
            running_sandbox(directory / "data", config=config, env=DISPATCH_ENV)
        )
        yield FailoverRig(sandbox, refusing, flaky, steady)


def test_retryable_failures_are_retried_then_fail_over(rig: FailoverRig) -> None:
    client = client_for(rig.sandbox, "live")
    reference = unique_reference("failover-email")

    sent = client.send_email_notification(
        TEAM_EMAIL, EMAIL_TEMPLATE, {"name": "Fi", "items": "x", "show": ""}, reference=reference
    )

    assert status_history(client, sent["id"])[-1] == "delivered"
    flaky_calls = for_notification(rig.flaky, sent["id"])
    steady_calls = for_notification(rig.steady, sent["id"])
    assert len(flaky_calls) == ATTEMPTS
    assert len(steady_calls) == 1
    for call in (*flaky_calls, *steady_calls):
        assert call.idempotency_key == sent["id"]
    [message] = wait_for_messages(rig.sandbox, 1, reference=reference)
    assert message["provider"] == "steady"
    body = steady_calls[0].body
    assert body["type"] == "email"
    assert body["to"] == TEAM_EMAIL
    assert body["from_address"] == "contract.live@notifications.service.gov.uk"
    assert body["subject"] == "Hello Fi"
    assert body["reference"] == reference
    assert body["plain_text"] == message["text"]
    assert body["html"] == admin_message(rig.sandbox, sent["id"])["html"]
    assert steady_calls[0].headers["Authorization"] == f"Bearer {BEARER}"
    assert "Authorization" not in flaky_calls[0].headers


def test_a_refusal_is_not_retried_and_fails_over_at_once(rig: FailoverRig) -> None:
    client = client_for(rig.sandbox, "team")
    reference = unique_reference("failover-sms")

    sent = client.send_sms_notification(
        TEAM_PHONE, SMS_TEMPLATE, {"name": "Re", "code": "42"}, reference=reference
    )

    assert status_history(client, sent["id"])[-1] == "delivered"
    assert [r.idempotency_key for r in for_notification(rig.refusing, sent["id"])] == [sent["id"]]
    [call] = for_notification(rig.steady, sent["id"])
    assert call.idempotency_key == sent["id"]
    assert call.body["type"] == "sms"
    assert call.body["to"] == TEAM_PHONE
    assert call.body["normalised_to"] == "447700900501"
    assert call.body["sender"] == "GOVUK"
    assert call.body["body"] == "Hello Re, your code is 42."
    assert call.body["fragment_count"] == 1
    [message] = wait_for_messages(rig.sandbox, 1, reference=reference)
    assert message["provider"] == "steady"


def test_provider_secrets_are_not_logged(rig: FailoverRig) -> None:
    client = client_for(rig.sandbox, "live")
    sent = client.send_sms_notification(TEAM_PHONE, SMS_TEMPLATE, {"name": "Lo", "code": "1"})
    assert status_history(client, sent["id"])[-1] == "delivered"

    assert BEARER not in rig.sandbox.log_path.read_text("utf-8")


@dataclass
class FailingRig:
    sandbox: SandboxProcess
    flaky: WebhookReceiver
    slow: WebhookReceiver


@pytest.fixture(scope="module")
def failing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FailingRig]:
    directory = tmp_path_factory.mktemp("all-failing")
    flaky = WebhookReceiver(answer=answering(503))
    slow = WebhookReceiver(delay=3.0)  # answers long after the provider's timeout
    with ExitStack() as stack:
        flaky_url = stack.enter_context(flaky.serve()).url
        slow_url = stack.enter_context(slow.serve()).url
        config = write_config(
            directory / "sandbox.toml",
            [
                webhook("flaky", "sms", 1, flaky_url),
                webhook("slow", "sms", 2, slow_url, timeout=0.2),
                webhook("flaky", "email", 1, flaky_url),
            ],
        )
        sandbox = stack.enter_context(
            running_sandbox(directory / "data", config=config, env=DISPATCH_ENV)
        )
        yield FailingRig(sandbox, flaky, slow)


def test_every_provider_failing_ends_technical_failure(failing: FailingRig) -> None:
    client = client_for(failing.sandbox, "live")
    reference = unique_reference("all-failing-sms")

    sent = client.send_sms_notification(
        TEAM_PHONE, SMS_TEMPLATE, {"name": "Te", "code": "9"}, reference=reference
    )

    history = status_history(client, sent["id"])
    assert history[-1] == "technical-failure"
    assert set(history) <= {"created", "technical-failure"}  # never handed off
    # 5xx and timeouts are both retryable: each provider gets every attempt
    assert [r.idempotency_key for r in for_notification(failing.flaky, sent["id"])] == [
        sent["id"]
    ] * ATTEMPTS
    assert [r.idempotency_key for r in for_notification(failing.slow, sent["id"])] == [
        sent["id"]
    ] * ATTEMPTS
    [listed] = admin_messages(failing.sandbox, reference=reference).json()["messages"]
    assert listed["provider"] is None  # never handed off
    assert listed["status"] == "technical-failure"
    assert client.get_notification_by_id(sent["id"])["completed_at"] is not None


def test_a_single_failing_provider_ends_technical_failure(failing: FailingRig) -> None:
    client = client_for(failing.sandbox, "team")
    reference = unique_reference("all-failing-email")

    sent = client.send_email_notification(
        TEAM_EMAIL, EMAIL_TEMPLATE, {"name": "Te", "items": "x", "show": ""}, reference=reference
    )

    assert status_history(client, sent["id"])[-1] == "technical-failure"
    assert len(for_notification(failing.flaky, sent["id"])) == ATTEMPTS
    [listed] = admin_messages(failing.sandbox, reference=reference).json()["messages"]
    assert listed["provider"] is None

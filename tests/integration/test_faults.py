"""Fault injection (issue 7): each effect, matching, probability, count, fixtures, and the
sandbox's extra magic recipients. Every rule is scoped to a service made for its test."""

from __future__ import annotations

import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import requests
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from tests.integration.callback_support import admin_call, advance_clock, write_fixture
from tests.integration.lane_support import running_sandbox, status_history
from tests.integration.limits_support import LimitsService, failure, new_service
from tests.sandbox_process import SandboxProcess

ALL_STATUSES = frozenset(
    {"delivered", "temporary-failure", "permanent-failure", "technical-failure", "pending"}
)


@pytest.fixture(scope="module")
def fault_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with running_sandbox(tmp_path_factory.mktemp("faults")) as sandbox:
        yield sandbox


@pytest.fixture
def service(fault_sandbox: SandboxProcess) -> Iterator[LimitsService]:
    yield new_service(fault_sandbox)
    assert admin_call(fault_sandbox, "DELETE", "/sandbox/v1/faults").status_code == 204


def add_fault(service: LimitsService, **rule: Any) -> dict[str, Any]:
    response = admin_call(
        service.sandbox, "POST", "/sandbox/v1/faults", {"service_id": service.id, **rule}
    )
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


def faults(sandbox: SandboxProcess) -> list[dict[str, Any]]:
    response = admin_call(sandbox, "GET", "/sandbox/v1/faults")
    assert response.status_code == 200, response.text
    return list(response.json()["faults"])


def final_status(service: LimitsService, key: str, notification_id: str, **kw: Any) -> str:
    return status_history(service.client(key), notification_id, until=ALL_STATUSES, **kw)[-1]


def stored(service: LimitsService) -> list[dict[str, Any]]:
    response = admin_call(service.sandbox, "GET", "/sandbox/v1/messages", service_id=service.id)
    return list(response.json()["messages"])


# -- HTTP errors -----------------------------------------------------------------------
@pytest.mark.parametrize(("key", "shouty"), [("test", "TEST"), ("team", "TEAM"), ("live", "LIVE")])
def test_a_429_has_notifys_rate_limit_body(service: LimitsService, key: str, shouty: str) -> None:
    add_fault(service, effect="http_error", http_status=429)

    status, body, headers = failure(lambda: service.sms(key))

    assert status == 429
    assert body == {
        "errors": [
            {
                "error": "RateLimitError",
                "message": (
                    f"Exceeded rate limit for key type {shouty} of 3000 requests per 60 seconds"
                ),
            }
        ],
        "status_code": 429,
    }
    assert headers["Retry-After"] == "1"
    assert stored(service) == []


@pytest.mark.parametrize(
    ("http_status", "error"),
    [
        (500, {"error": "Exception", "message": "Internal server error"}),
        (503, {"error": "ServiceUnavailableError", "message": "Service Unavailable"}),
    ],
)
def test_500_and_503_bodies(
    service: LimitsService, http_status: int, error: dict[str, str]
) -> None:
    add_fault(service, effect="http_error", http_status=http_status)

    status, body, _ = failure(lambda: service.email("live"))

    assert status == http_status
    assert body == {"errors": [error], "status_code": http_status}
    assert stored(service) == []


def test_an_injected_error_uses_none_of_the_daily_allowance(
    fault_sandbox: SandboxProcess,
) -> None:
    service = new_service(fault_sandbox, limits={"sms": 1})
    try:
        rule = add_fault(service, effect="http_error", http_status=500, count=3)
        for _ in range(3):
            assert failure(lambda: service.sms("live"))[0] == 500
        assert service.sms("live")["id"]
        assert rule["id"] not in [r["id"] for r in faults(fault_sandbox)]
    finally:
        admin_call(fault_sandbox, "DELETE", "/sandbox/v1/faults")


# -- latency ---------------------------------------------------------------------------
def test_latency_delays_the_answer_by_at_least_the_delay(service: LimitsService) -> None:
    add_fault(service, effect="latency", latency_ms=400)

    started = time.monotonic()
    sent = service.sms("test")
    took = time.monotonic() - started

    assert took >= 0.4, took
    assert final_status(service, "test", sent["id"]) == "delivered"


# -- provider errors and forced statuses -------------------------------------------------
@pytest.mark.parametrize("key", ["test", "team", "live"])
def test_a_provider_error_ends_in_technical_failure(service: LimitsService, key: str) -> None:
    rule = add_fault(service, effect="provider_error")

    sent = service.sms(key)

    assert final_status(service, key, sent["id"]) == "technical-failure"
    [item] = stored(service)
    assert item["status_detail"] == f"fault injected: provider_error ({rule['id']})"


@pytest.mark.parametrize("status", ["technical-failure", "temporary-failure"])
@pytest.mark.parametrize("key", ["test", "live"])
def test_a_forced_final_status(service: LimitsService, key: str, status: str) -> None:
    add_fault(service, effect="status", status=status)

    sent = service.email(key)

    assert final_status(service, key, sent["id"]) == status


@pytest.mark.parametrize("key", ["test", "live"])
def test_a_forced_pending_stays_pending_when_the_clock_moves(
    service: LimitsService, key: str
) -> None:
    add_fault(service, effect="status", status="pending")
    sent = service.sms(key)
    assert final_status(service, key, sent["id"]) == "pending"

    advance_clock(service.sandbox, 3600)
    time.sleep(0.3)

    assert service.client(key).get_notification_by_id(sent["id"])["status"] == "pending"


# -- matching ------------------------------------------------------------------------------
def test_the_recipient_pattern_and_the_channel_choose_the_sends(service: LimitsService) -> None:
    add_fault(service, effect="http_error", http_status=500, recipient=r"900777$", channel="sms")

    assert failure(lambda: service.sms("test", "07700900777"))[0] == 500
    assert failure(lambda: service.sms("test", "+44 7700 900777"))[0] == 500
    other_number = service.sms("test", "07700900123")
    email = service.email("test", "a900777@example.com")

    assert other_number["id"] and email["id"]
    assert {item["recipient"] for item in stored(service)} == {
        "07700900123",
        "a900777@example.com",
    }


def test_a_recipient_pattern_matches_however_the_number_is_written(
    service: LimitsService,
) -> None:
    add_fault(service, effect="http_error", http_status=503, recipient=r"^\+447700900777$")

    for written in ("07700900777", "07700 900 777", "+44 7700 900777"):
        assert failure(partial(service.sms, "test", written))[0] == 503


def test_an_email_rule_leaves_texts_alone(service: LimitsService) -> None:
    add_fault(service, effect="status", status="technical-failure", channel="email")

    sms = service.sms("test")
    email = service.email("test")

    assert final_status(service, "test", sms["id"]) == "delivered"
    assert final_status(service, "test", email["id"]) == "technical-failure"


def test_a_rule_for_another_service_does_not_fire(
    service: LimitsService, fault_sandbox: SandboxProcess
) -> None:
    other = new_service(fault_sandbox)
    add_fault(other, effect="http_error", http_status=503)

    assert service.sms("test")["id"]
    assert failure(lambda: other.sms("test"))[0] == 503


def test_probability_0_never_fires(service: LimitsService) -> None:
    rule = add_fault(service, effect="http_error", http_status=500, probability=0)

    for _ in range(10):
        service.sms("test")

    [shown] = [r for r in faults(service.sandbox) if r["id"] == rule["id"]]
    assert shown["fired"] == 0
    assert len(stored(service)) == 10


def test_a_counted_rule_expires_after_its_count(service: LimitsService) -> None:
    rule = add_fault(service, effect="http_error", http_status=503, count=2)
    assert rule["remaining"] == 2

    first = failure(lambda: service.sms("test"))[0]
    [shown] = [r for r in faults(service.sandbox) if r["id"] == rule["id"]]
    second = failure(lambda: service.sms("test"))[0]
    third = service.sms("test")

    assert (first, second) == (503, 503)
    assert (shown["remaining"], shown["fired"]) == (1, 1)
    assert third["id"]
    assert rule["id"] not in [r["id"] for r in faults(service.sandbox)]


# -- the rules' API ----------------------------------------------------------------------
def test_rules_are_listed_and_removed_one_by_one_or_all(service: LimitsService) -> None:
    first = add_fault(
        service,
        id="my-rule",
        effect="http_error",
        http_status=500,
        channel="sms",
        recipient="^07700",
        count=3,
        probability=0.5,
    )
    second = add_fault(service, effect="latency", latency_ms=10)

    assert first == {
        "id": "my-rule",
        "effect": "http_error",
        "service_id": service.id,
        "channel": "sms",
        "recipient": "^07700",
        "http_status": 500,
        "latency_ms": None,
        "status": None,
        "probability": 0.5,
        "remaining": 3,
        "fired": 0,
    }
    assert faults(service.sandbox) == [first, second]

    assert admin_call(service.sandbox, "DELETE", "/sandbox/v1/faults/my-rule").status_code == 204
    again = admin_call(service.sandbox, "DELETE", "/sandbox/v1/faults/my-rule")
    assert again.status_code == 404
    assert again.json()["errors"] == [{"error": "NoResultFound", "message": "No result found"}]
    assert faults(service.sandbox) == [second]

    assert admin_call(service.sandbox, "DELETE", "/sandbox/v1/faults").status_code == 204
    assert faults(service.sandbox) == []


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({}, "effect must be one of [http_error, latency, provider_error, status]"),
        (
            {"effect": "explode"},
            "effect must be one of [http_error, latency, provider_error, status]",
        ),
        (
            {"effect": "http_error", "http_status": 418},
            "http_status must be one of [429, 500, 503]",
        ),
        ({"effect": "latency"}, "latency_ms must be a number from 0 to 30000"),
        ({"effect": "latency", "latency_ms": 30001}, "latency_ms must be a number from 0 to 30000"),
        (
            {"effect": "status", "status": "delivered"},
            "status must be one of [technical-failure, temporary-failure, pending]",
        ),
        ({"effect": "provider_error", "channel": "letter"}, "channel must be one of [sms, email]"),
        (
            {"effect": "provider_error", "probability": 1.5},
            "probability must be a number from 0 to 1",
        ),
        ({"effect": "provider_error", "count": 0}, "count must be a number from 1 to 1000000000"),
        (
            {"effect": "provider_error", "recipient": "("},
            "recipient is not a valid regular expression: missing ): (",
        ),
    ],
)
def test_an_invalid_rule_is_400(
    fault_sandbox: SandboxProcess, rule: dict[str, Any], message: str
) -> None:
    response = admin_call(fault_sandbox, "POST", "/sandbox/v1/faults", rule)

    assert response.status_code == 400, response.text
    assert response.json()["errors"] == [{"error": "BadRequestError", "message": message}]
    assert faults(fault_sandbox) == []


def test_the_admin_token_is_required(fault_sandbox: SandboxProcess) -> None:
    url = f"{fault_sandbox.base_url}/sandbox/v1/faults"
    assert requests.get(url, timeout=10).status_code == 401
    assert (
        requests.post(url, json={"effect": "latency", "latency_ms": 1}, timeout=10).status_code
        == 401
    )
    assert requests.delete(url, timeout=10).status_code == 401


def test_faults_declared_in_a_fixture_file(tmp_path: Path) -> None:
    fixture = write_fixture(
        tmp_path / "faults.yaml",
        """
services:
  - id: 44444444-4444-4444-8444-444444444444
    name: Fixture Faults
    restricted: false
    api_keys:
      - {name: faults-test, key_type: test, secret: 45555555-5555-4555-8555-555555555555}
    templates:
      - {id: 54444444-4444-4444-8444-444444444444, type: sms, name: Hi, body: "Hi"}
faults:
  - {id: always-503, effect: http_error, http_status: 503, recipient: "900503$"}
  - {id: broken, effect: status, status: technical-failure, recipient: "900504$", count: 1}
""",
    )
    with running_sandbox(tmp_path / "data", fixtures=fixture) as sandbox:
        key = (
            "faults-test-44444444-4444-4444-8444-444444444444-45555555-5555-4555-8555-555555555555"
        )
        client = NotificationsAPIClient(key, base_url=sandbox.base_url)
        template = "54444444-4444-4444-8444-444444444444"
        listed = [(r["id"], r["effect"], r["remaining"]) for r in faults(sandbox)]

        with pytest.raises(HTTPError) as refused:
            client.send_sms_notification("07700900503", template)
        broken = client.send_sms_notification("07700900504", template)
        fine = client.send_sms_notification("07700900504", template)
        statuses = [status_history(client, sent["id"])[-1] for sent in (broken, fine)]

    assert listed == [("always-503", "http_error", None), ("broken", "status", 1)]
    assert refused.value.status_code == 503
    assert statuses == ["technical-failure", "delivered"]


# -- the sandbox's extra magic recipients (simulator/data/simulator_uk.yaml `extras`) -----
@pytest.mark.parametrize("kind", ["sms", "email"])
def test_the_technical_failure_recipient(service: LimitsService, kind: str) -> None:
    sent = (
        service.sms("test", "07700900004")
        if kind == "sms"
        else service.email("test", "tech-fail@simulator.notify")
    )

    assert final_status(service, "test", sent["id"]) == "technical-failure"


@pytest.mark.parametrize("kind", ["sms", "email"])
def test_the_slow_recipient_is_delivered_only_once_the_clock_passes_30_seconds(
    service: LimitsService, kind: str
) -> None:
    sent = (
        service.sms("test", "07700900005")
        if kind == "sms"
        else service.email("test", "slow@simulator.notify")
    )
    client = service.client("test")
    status_history(client, sent["id"], until={"sending"})
    time.sleep(0.6)  # longer than the ordinary 0.2 + 0.3 s timeline
    assert client.get_notification_by_id(sent["id"])["status"] == "sending"

    advance_clock(service.sandbox, 31)

    assert status_history(client, sent["id"])[-1] == "delivered"


@pytest.mark.parametrize("kind", ["sms", "email"])
def test_the_pending_recipient_stays_pending(service: LimitsService, kind: str) -> None:
    sent = (
        service.sms("test", "07700900006")
        if kind == "sms"
        else service.email("test", "pending@simulator.notify")
    )
    client = service.client("test")
    assert status_history(client, sent["id"], until={"pending"})[-1] == "pending"

    advance_clock(service.sandbox, 4 * 86400)
    time.sleep(0.3)

    assert client.get_notification_by_id(sent["id"])["status"] == "pending"

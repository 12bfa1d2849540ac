"""Time control (issue 7): POST /sandbox/v1/clock drives allowances, key expiry and
timelines; reset returns to wall time; JWT `iat` checks stay on the wall clock."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests

from tests.integration.callback_support import (
    admin_call,
    advance_clock,
    parse_time,
    reset_clock,
)
from tests.integration.lane_support import running_sandbox, status_history
from tests.integration.limits_support import (
    LimitsService,
    clock_now,
    failure,
    new_service,
    set_clock,
    tomorrow_just_after_midnight,
)
from tests.sandbox_process import SandboxProcess

DAY = 86400


@pytest.fixture(scope="module")
def clock_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with running_sandbox(tmp_path_factory.mktemp("clock")) as sandbox:
        yield sandbox


@pytest.fixture
def service(clock_sandbox: SandboxProcess) -> Iterator[LimitsService]:
    yield new_service(clock_sandbox, limits={"sms": 1})
    reset_clock(clock_sandbox)


def wall_now() -> datetime:
    return datetime.now(UTC)


def close_to(moment: datetime, expected: datetime, seconds: float = 5.0) -> bool:
    return abs((moment - expected).total_seconds()) < seconds


def test_moving_past_midnight_rolls_the_daily_allowance(service: LimitsService) -> None:
    service.sms("live")
    refused = failure(lambda: service.sms("live"))

    set_clock(service.sandbox, tomorrow_just_after_midnight(service.sandbox))
    next_day = service.sms("live")
    refused_again = failure(lambda: service.sms("live"))

    assert refused[:2] == (
        429,
        {
            "errors": [
                {
                    "error": "TooManyRequestsError",
                    "message": "Exceeded send limits (sms: 1) for today",
                }
            ],
            "status_code": 429,
        },
    )
    assert next_day["id"]
    assert refused_again[0] == 429


def test_moving_the_clock_expires_a_key(service: LimitsService) -> None:
    expires = clock_now(service.sandbox) + timedelta(hours=1)
    key_id = service.add_key("short-lived", "test", expires_at=expires.isoformat())
    before = service.client("short-lived").get_all_notifications()

    advance_clock(service.sandbox, 3600 + 1)
    status, body, _ = failure(lambda: service.client("short-lived").get_all_notifications())
    shown = admin_call(
        service.sandbox, "GET", f"/sandbox/v1/services/{service.id}/api-keys/{key_id}"
    ).json()["data"]

    assert before["notifications"] == []
    assert (status, body) == (
        403,
        {
            "errors": [{"error": "AuthError", "message": "Invalid token: API key expired"}],
            "status_code": 403,
        },
    )
    assert shown["status"] == "expired"
    assert service.client("test").get_all_notifications()["notifications"] == []  # no expiry


def test_moving_the_clock_finishes_long_timelines(tmp_path: Path) -> None:
    env = {"SANDBOX_SIM_SENDING_DELAY": "600", "SANDBOX_SIM_DELIVERY_DELAY": "600"}
    with running_sandbox(tmp_path / "data", env=env) as sandbox:
        service = new_service(sandbox)
        test_sent = service.sms("test")
        live_sent = service.sms("live")
        test_client, live_client = service.client("test"), service.client("live")
        # the live one is handed to the outbox at once, then shows `sending` for 600 s
        assert status_history(live_client, live_sent["id"], until={"sending"})[-1] == "sending"
        time.sleep(0.3)
        assert test_client.get_notification_by_id(test_sent["id"])["status"] == "created"

        advance_clock(sandbox, 601)
        assert status_history(test_client, test_sent["id"], until={"sending"})[-1] == "sending"
        assert status_history(live_client, live_sent["id"])[-1] == "delivered"

        advance_clock(sandbox, 601)
        assert status_history(test_client, test_sent["id"])[-1] == "delivered"
        shown = test_client.get_notification_by_id(test_sent["id"])

    created, sent_at, completed = (
        parse_time(shown[name]) for name in ("created_at", "sent_at", "completed_at")
    )
    assert 600 <= (sent_at - created).total_seconds() < 610
    assert 600 <= (completed - sent_at).total_seconds() < 610


def test_advance_then_reset_returns_to_wall_time(service: LimitsService) -> None:
    moved = advance_clock(service.sandbox, DAY)
    tomorrow = service.sms("test")
    created_tomorrow = parse_time(
        service.client("test").get_notification_by_id(tomorrow["id"])["created_at"]
    )

    back = reset_clock(service.sandbox)
    shown = admin_call(service.sandbox, "GET", "/sandbox/v1/clock").json()

    assert moved["offset_seconds"] == DAY
    assert close_to(parse_time(moved["now"]), wall_now() + timedelta(days=1))
    assert close_to(created_tomorrow, wall_now() + timedelta(days=1))
    assert back["offset_seconds"] == 0
    assert close_to(parse_time(back["now"]), wall_now())
    assert shown["offset_seconds"] == 0
    assert close_to(parse_time(shown["now"]), wall_now())


def test_a_send_after_a_reset_is_stamped_with_wall_time(service: LimitsService) -> None:
    advance_clock(service.sandbox, DAY)
    service.sms("test")
    reset_clock(service.sandbox)

    today = service.sms("test")
    created = service.client("test").get_notification_by_id(today["id"])["created_at"]

    assert close_to(parse_time(created), wall_now())


def test_set_moves_the_clock_to_a_moment(service: LimitsService) -> None:
    moved = admin_call(
        service.sandbox, "POST", "/sandbox/v1/clock", {"set": "2030-01-01T09:00:00Z"}
    )
    sent = service.sms("test")
    shown = service.client("test").get_notification_by_id(sent["id"])

    assert moved.status_code == 200, moved.text
    assert moved.json()["now"].startswith("2030-01-01T09:00:0")
    assert shown["created_at"].startswith("2030-01-01T09:00:")
    got = admin_call(service.sandbox, "GET", "/sandbox/v1/clock").json()
    assert got["now"].startswith("2030-01-01T09:00:")
    assert reset_clock(service.sandbox)["offset_seconds"] == 0


def test_jwt_iat_is_checked_against_the_wall_clock(service: LimitsService) -> None:
    full = service.keys["test"]
    secret, service_id = full[-36:], full[-73:-37]

    def with_iat(moment: datetime) -> requests.Response:
        token = jwt.encode({"iss": service_id, "iat": int(moment.timestamp())}, secret)
        return requests.get(
            f"{service.sandbox.base_url}/v2/notifications",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )

    advance_clock(service.sandbox, DAY)

    # the official client signs with the wall clock: still accepted
    assert service.client("test").get_all_notifications()["notifications"] == []
    assert service.sms("test")["id"]
    # a token dated by the sandbox's clock (a day ahead of the wall) is refused
    ahead = with_iat(wall_now() + timedelta(days=1))
    assert ahead.status_code == 403
    assert ahead.json()["errors"] == [
        {
            "error": "AuthError",
            "message": "Error: Your system clock must be accurate to within 30 seconds",
        }
    ]
    assert with_iat(wall_now()).status_code == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Give one of advance_seconds, set or reset"),
        ({"advance_seconds": -1}, "advance_seconds must be from 0 to 31622400"),
        ({"advance_seconds": 31622401}, "advance_seconds must be from 0 to 31622400"),
        ({"advance_seconds": "60"}, "advance_seconds must be a number"),
        ({"set": "tomorrow"}, "set must be an ISO 8601 date and time"),
        (
            {"set": "2030-01-01T00:00:00"},
            "set must include a time zone, for example 2030-01-01T00:00:00Z",
        ),
    ],
)
def test_a_bad_clock_move_is_400(
    clock_sandbox: SandboxProcess, body: dict[str, Any], message: str
) -> None:
    response = admin_call(clock_sandbox, "POST", "/sandbox/v1/clock", body)

    assert response.status_code == 400, response.text
    assert response.json()["errors"] == [{"error": "BadRequestError", "message": message}]
    assert admin_call(clock_sandbox, "GET", "/sandbox/v1/clock").json()["offset_seconds"] == 0


def test_the_admin_token_is_required(clock_sandbox: SandboxProcess) -> None:
    url = f"{clock_sandbox.base_url}/sandbox/v1/clock"

    assert requests.get(url, timeout=10).status_code == 401
    assert requests.post(url, json={"advance_seconds": 60}, timeout=10).status_code == 401
    assert admin_call(clock_sandbox, "GET", "/sandbox/v1/clock").json()["offset_seconds"] == 0

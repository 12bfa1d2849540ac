"""Daily allowances (issue 5, contract 7.2): texts, trial 50, what is never counted,
international SMS counted twice, places given back, day rollover, restarts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.integration.lane_support import running_sandbox
from tests.integration.limits_support import (
    INTERNATIONAL_PHONE,
    SMOKE_TEST_PHONE,
    STRANGER_PHONE,
    TEAM_EMAIL,
    LimitsService,
    admin,
    clock_now,
    failure,
    new_service,
    raw_send,
    set_clock,
    tomorrow_just_after_midnight,
    usage,
)
from tests.sandbox_process import SandboxProcess

HIGH_RATE = 100_000  # only the daily allowance bites


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """A sandbox of this module's own: the tests move its clock."""
    with running_sandbox(tmp_path_factory.mktemp("limits-daily")) as process:
        yield process


def over_allowance(channel: str, limit: int) -> dict[str, object]:
    return {
        "status_code": 429,
        "errors": [
            {
                "error": "TooManyRequestsError",
                "message": f"Exceeded send limits ({channel}: {limit}) for today",
            }
        ],
    }


def used(sandbox: SandboxProcess, service: LimitsService) -> dict[str, int]:
    return {
        channel: figures["used"]
        for channel, figures in usage(sandbox, service.id)["channels"].items()
    }


# -- texts and headers ---------------------------------------------------------------
def test_sms_and_email_allowances_have_their_own_counters_and_texts(
    sandbox: SandboxProcess,
) -> None:
    service = new_service(sandbox, rate_limit=HIGH_RATE, limits={"sms": 2, "email": 1})
    service.sms("live")
    service.sms("live")

    status, body, _ = failure(lambda: service.sms("live"))
    assert (status, body) == (429, over_allowance("sms", 2))

    service.email("live")  # the sms counter being full does not stop email
    status, body, _ = failure(lambda: service.email("live"))
    assert (status, body) == (429, over_allowance("email", 1))


def test_live_defaults(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox)
    channels = usage(sandbox, service.id)["channels"]
    assert {channel: figures["limit"] for channel, figures in channels.items()} == {
        "email": 250_000,
        "sms": 250_000,
        "international_sms": 100,
        "letter": 20_000,
    }


def test_daily_429_retry_after_counts_to_midnight_utc(sandbox: SandboxProcess) -> None:
    tomorrow = (clock_now(sandbox) + timedelta(days=1)).date().isoformat()
    set_clock(sandbox, f"{tomorrow}T23:00:00Z")
    service = new_service(sandbox, rate_limit=HIGH_RATE, limits={"sms": 0})

    response = raw_send(service, "live")

    assert response.status_code == 429
    assert response.json() == over_allowance("sms", 0)
    assert 3590 <= int(response.headers["Retry-After"]) <= 3600
    assert response.headers["Retry-After"].isdigit()


def test_daily_429_carries_ratelimit_headers(sandbox: SandboxProcess) -> None:
    """Issue 5 item 4: rejected responses carry RateLimit-* as well as successful ones."""
    service = new_service(sandbox, rate_limit=30, limits={"sms": 0})
    response = raw_send(service, "live")
    assert response.status_code == 429
    assert response.json() == over_allowance("sms", 0)
    assert response.headers.get("RateLimit-Limit") == "30", dict(response.headers)
    assert response.headers.get("RateLimit-Remaining") == "10"
    assert response.headers.get("RateLimit-Reset") == "2"


# -- trial services ------------------------------------------------------------------
def test_trial_service_sends_50_a_day_in_total_with_a_team_key(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox, restricted=True, rate_limit=HIGH_RATE)
    for _ in range(30):
        service.sms("team")
    for _ in range(20):
        service.email("team")

    status, body, headers = failure(lambda: service.sms("team"))
    assert (status, body) == (429, over_allowance("sms", 50))
    assert headers["Retry-After"].isdigit()
    status, body, _ = failure(lambda: service.email("team"))
    assert (status, body) == (429, over_allowance("email", 50))

    service.sms("test")  # test keys are never counted nor stopped
    view = usage(sandbox, service.id)["channels"]
    assert view["total"] == {"used": 50, "limit": 50}
    assert view["sms"] == {"used": 30, "limit": 50}
    assert view["email"] == {"used": 20, "limit": 50}


def test_trial_total_reached_by_one_channel_stops_the_other(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox, restricted=True, rate_limit=HIGH_RATE, limits={"sms": 100})
    for _ in range(50):
        service.sms("team")
    status, body, _ = failure(lambda: service.email("team"))
    assert (status, body) == (429, over_allowance("email", 50))
    status, body, _ = failure(lambda: service.sms("team"))
    assert (status, body) == (429, over_allowance("sms", 50))


# -- what is never counted -----------------------------------------------------------
def test_test_keys_are_never_counted(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox, rate_limit=HIGH_RATE, limits={"sms": 1})
    for _ in range(3):
        service.sms("test")
    assert used(sandbox, service)["sms"] == 0

    service.sms("live")
    status, body, _ = failure(lambda: service.sms("live"))
    assert (status, body) == (429, over_allowance("sms", 1))
    service.sms("test")  # still fine once the allowance is used up


def test_smoke_test_recipients_are_never_counted(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox, rate_limit=HIGH_RATE, limits={"sms": 1, "email": 1})
    for _ in range(3):
        service.sms("live", SMOKE_TEST_PHONE)
        service.email("live", "simulate-delivered@notifications.service.gov.uk")
    assert used(sandbox, service) == {
        "email": 0,
        "sms": 0,
        "international_sms": 0,
        "letter": 0,
    }

    service.sms("live")
    service.email("live")
    assert failure(lambda: service.sms("live"))[:2] == (429, over_allowance("sms", 1))
    assert failure(lambda: service.email("live"))[:2] == (429, over_allowance("email", 1))


# -- international SMS ---------------------------------------------------------------
def test_international_sms_counts_against_sms_and_international_sms(
    sandbox: SandboxProcess,
) -> None:
    service = new_service(sandbox, rate_limit=HIGH_RATE, limits={"international_sms": 1})
    service.sms("live", INTERNATIONAL_PHONE)
    assert used(sandbox, service)["sms"] == 1
    assert used(sandbox, service)["international_sms"] == 1

    status, body, headers = failure(lambda: service.sms("live", INTERNATIONAL_PHONE))

    assert (status, body) == (429, over_allowance("international_sms", 1))
    assert headers["Retry-After"].isdigit()
    # the refused send gave its sms place back
    assert used(sandbox, service)["sms"] == 1
    service.sms("live")  # UK numbers use only the sms allowance
    assert used(sandbox, service)["sms"] == 2
    assert used(sandbox, service)["international_sms"] == 1


def test_international_sms_is_stopped_by_the_sms_allowance(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox, rate_limit=HIGH_RATE, limits={"sms": 1})
    service.sms("live", INTERNATIONAL_PHONE)
    assert failure(lambda: service.sms("live"))[:2] == (429, over_allowance("sms", 1))
    assert failure(lambda: service.sms("live", INTERNATIONAL_PHONE))[:2] == (
        429,
        over_allowance("sms", 1),
    )
    assert used(sandbox, service)["international_sms"] == 1


def test_trial_international_sms_takes_one_place_of_the_total(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox, restricted=True, rate_limit=HIGH_RATE)
    admin(
        sandbox,
        "POST",
        f"/sandbox/v1/services/{service.id}/team",
        {"name": "US", "email_address": "us@example.com", "mobile_number": INTERNATIONAL_PHONE},
    )
    service.sms("team", INTERNATIONAL_PHONE)
    channels = usage(sandbox, service.id)["channels"]
    assert channels["sms"]["used"] == channels["international_sms"]["used"] == 1
    assert channels["total"] == {"used": 1, "limit": 50}


# -- places given back ---------------------------------------------------------------
def test_a_send_failing_after_reserving_gives_its_place_back(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox, rate_limit=HIGH_RATE, limits={"sms": 1})
    client = service.client("team")

    status, body, _ = failure(lambda: service.sms("team", STRANGER_PHONE))
    assert status == 400
    assert body["errors"] == [
        {
            "error": "BadRequestError",
            "message": "Can\u2019t send to this recipient using a team-only API key",
        }
    ]
    status, body, _ = failure(
        lambda: client.send_sms_notification(
            phone_number="07700900501", template_id=service.sms_template
        )
    )
    assert (status, body["errors"][0]["message"]) == (400, "Missing personalisation: name")
    status, body, _ = failure(lambda: service.sms("team", "07700900x01"))
    assert status == 400
    assert raw_send(service, "team", data=b"this is not json").status_code == 400
    assert used(sandbox, service)["sms"] == 0

    service.sms("team")
    assert used(sandbox, service)["sms"] == 1
    assert failure(lambda: service.sms("team"))[:2] == (429, over_allowance("sms", 1))
    # the allowance, like the rate limit, is checked before the body is read
    refused = raw_send(service, "team", data=b"this is not json")
    assert (refused.status_code, refused.json()) == (429, over_allowance("sms", 1))


def test_trial_allow_list_failure_gives_the_total_place_back(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox, restricted=True, rate_limit=HIGH_RATE)
    for _ in range(3):
        failure(lambda: service.email("team", "stranger@example.com"))
    view = usage(sandbox, service.id)["channels"]
    assert view["total"]["used"] == 0
    assert view["email"]["used"] == 0
    service.email("team", TEAM_EMAIL)
    assert usage(sandbox, service.id)["channels"]["total"]["used"] == 1


# -- day rollover ----------------------------------------------------------------------
def test_allowance_comes_back_after_midnight_utc(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox, rate_limit=HIGH_RATE, limits={"sms": 2})
    service.sms("live")
    service.sms("live")
    assert failure(lambda: service.sms("live"))[:2] == (429, over_allowance("sms", 2))

    set_clock(sandbox, tomorrow_just_after_midnight(sandbox))

    assert used(sandbox, service)["sms"] == 0
    service.sms("live")
    service.sms("live")
    assert failure(lambda: service.sms("live"))[:2] == (429, over_allowance("sms", 2))


def test_trial_total_comes_back_after_midnight_utc(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox, restricted=True, rate_limit=HIGH_RATE, limits={"sms": 1})
    service.sms("team")
    assert failure(lambda: service.sms("team"))[:2] == (429, over_allowance("sms", 1))
    set_clock(sandbox, tomorrow_just_after_midnight(sandbox))
    service.sms("team")


# -- restarts ------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["stop", "kill"])
def test_counts_survive_a_restart_of_the_in_process_backend(
    fresh_sandbox: SandboxProcess, how: str
) -> None:
    fresh_sandbox.start()
    service = new_service(fresh_sandbox, rate_limit=HIGH_RATE, limits={"sms": 5})
    for _ in range(3):
        service.sms("live")
    service.sms("test")  # not counted, before or after the restart
    service.sms("live", SMOKE_TEST_PHONE)

    fresh_sandbox.stop() if how == "stop" else fresh_sandbox.kill()
    fresh_sandbox.start()

    assert used(fresh_sandbox, service)["sms"] == 3
    service.sms("live")
    service.sms("live")
    assert failure(lambda: service.sms("live"))[:2] == (429, over_allowance("sms", 5))


def test_trial_and_international_counts_survive_a_restart(fresh_sandbox: SandboxProcess) -> None:
    fresh_sandbox.start()
    trial = new_service(fresh_sandbox, restricted=True, rate_limit=HIGH_RATE)
    world = new_service(fresh_sandbox, rate_limit=HIGH_RATE, limits={"international_sms": 2})
    for _ in range(3):
        trial.sms("team")
    trial.email("team")
    world.sms("live", INTERNATIONAL_PHONE)

    fresh_sandbox.stop()
    fresh_sandbox.start()

    assert usage(fresh_sandbox, trial.id)["channels"]["total"] == {"used": 4, "limit": 50}
    assert used(fresh_sandbox, world)["sms"] == 1
    assert used(fresh_sandbox, world)["international_sms"] == 1
    world.sms("live", INTERNATIONAL_PHONE)
    assert failure(lambda: world.sms("live", INTERNATIONAL_PHONE))[:2] == (
        429,
        over_allowance("international_sms", 2),
    )

"""Per-key tiers (issue 5, seed 004) and the usage view.

A key may carry a tier (free 60/min and 10,000/day, standard 300/min and 100,000/day,
premium 1,000/min with no daily cap) or explicit per-minute and per-day limits. They
apply to every authenticated request made with the key, GETs included.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from tests.integration.lane_support import running_sandbox
from tests.integration.limits_support import (
    LimitsService,
    admin,
    failure,
    move_clock,
    new_service,
    raw_send,
    set_clock,
    tomorrow_just_after_midnight,
    usage,
)
from tests.sandbox_process import SandboxProcess

WHOLE_SECONDS = re.compile(r"^[1-9]\d*$")


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """A sandbox of this module's own: the tests move its clock."""
    with running_sandbox(tmp_path_factory.mktemp("limits-keys")) as process:
        yield process


def key_rate_limited(name: str, limit: int) -> dict[str, object]:
    return {
        "status_code": 429,
        "errors": [
            {
                "error": "RateLimitError",
                "message": f"Exceeded rate limit for API key {name} of {limit} "
                "requests per 60 seconds",
            }
        ],
    }


def key_day_limited(name: str, limit: int) -> dict[str, object]:
    return {
        "status_code": 429,
        "errors": [
            {
                "error": "TooManyRequestsError",
                "message": f"Exceeded request limit for API key {name} of {limit} "
                "requests for today",
            }
        ],
    }


def every_kind_of_request(service: LimitsService, key: str) -> list[Callable[[], Any]]:
    client = service.client(key)
    return [
        client.get_all_notifications,
        lambda: client.get_template(service.sms_template),
        lambda: service.sms(key),
        client.get_received_texts,
        lambda: client.get_all_templates(),
    ]


def get_raw(service: LimitsService, key: str, path: str = "/v2/notifications") -> requests.Response:
    return requests.get(
        f"{service.sandbox.base_url}{path}",
        headers={"Authorization": f"Bearer {service.token(key)}"},
        timeout=10,
    )


def key_view(sandbox: SandboxProcess, service: LimitsService, name: str) -> dict[str, Any]:
    keys = usage(sandbox, service.id)["keys"]
    return next(k for k in keys if k["id"] == service.key_ids[name])


# -- explicit per-minute limit ---------------------------------------------------------
@pytest.mark.parametrize("fourth", [0, 1, 2, 3, 4])
def test_per_minute_limit_counts_requests_of_every_kind(
    sandbox: SandboxProcess, fourth: int
) -> None:
    service = new_service(sandbox)
    service.add_key("capped", per_minute_limit=3)
    calls = every_kind_of_request(service, "capped")
    for call in calls[:3]:
        call()

    status, body, headers = failure(calls[fourth])

    assert status == 429
    assert body == key_rate_limited("capped", 3)
    assert WHOLE_SECONDS.match(headers["Retry-After"]), headers
    # one request every 20 s
    assert 18 <= int(headers["Retry-After"]) <= 20
    assert headers["RateLimit-Limit"] == "3"
    assert headers["RateLimit-Remaining"] == "0"


def test_per_minute_limit_headers_on_gets_and_refill(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox)
    service.add_key("capped", per_minute_limit=3)
    for remaining in (2, 1, 0):
        response = get_raw(service, "capped")
        assert response.status_code == 200
        assert response.headers["RateLimit-Limit"] == "3"
        assert response.headers["RateLimit-Remaining"] == str(remaining)
    refused = get_raw(service, "capped")
    assert refused.status_code == 429
    assert refused.json() == key_rate_limited("capped", 3)

    move_clock(sandbox, 20)  # one request back

    assert get_raw(service, "capped").status_code == 200
    assert get_raw(service, "capped").status_code == 429


def test_per_minute_limit_is_per_key(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox)
    service.add_key("capped", per_minute_limit=1)
    service.add_key("other", per_minute_limit=1)
    assert get_raw(service, "capped").status_code == 200
    assert get_raw(service, "capped").status_code == 429
    assert get_raw(service, "other").status_code == 200
    assert get_raw(service, "live").status_code == 200  # no limits of its own


def test_key_limit_set_through_patch_applies_at_once(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox)
    service.client("live").get_all_notifications()
    edited = service.edit_key("live", {"per_minute_limit": 1})
    assert edited["per_minute_limit"] == 1
    assert get_raw(service, "live").status_code == 200
    refused = get_raw(service, "live")
    assert refused.status_code == 429
    assert refused.json() == key_rate_limited("live", 1)


# -- explicit per-day limit ------------------------------------------------------------
def test_per_day_limit_counts_every_request_until_midnight(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox)
    service.add_key("daily", per_day_limit=2)
    service.client("daily").get_all_notifications()
    service.sms("daily")

    for call in (
        lambda: service.client("daily").get_all_notifications(),
        lambda: service.sms("daily"),
    ):
        status, body, headers = failure(call)
        assert status == 429
        assert body == key_day_limited("daily", 2)
        assert WHOLE_SECONDS.match(headers["Retry-After"]), headers
        assert int(headers["Retry-After"]) <= 86400

    assert key_view(sandbox, service, "daily")["requests_today"] == 2
    set_clock(sandbox, tomorrow_just_after_midnight(sandbox))

    service.client("daily").get_all_notifications()
    assert key_view(sandbox, service, "daily")["requests_today"] == 1


def test_per_day_key_counter_survives_a_restart(fresh_sandbox: SandboxProcess) -> None:
    fresh_sandbox.start()
    service = new_service(fresh_sandbox)
    service.add_key("daily", per_day_limit=3)
    service.client("daily").get_all_notifications()
    service.client("daily").get_all_notifications()

    fresh_sandbox.stop()
    fresh_sandbox.start()

    assert key_view(fresh_sandbox, service, "daily")["requests_today"] == 2
    service.client("daily").get_all_notifications()
    status, body, _ = failure(lambda: service.client("daily").get_all_notifications())
    assert (status, body) == (429, key_day_limited("daily", 3))


# -- tiers -----------------------------------------------------------------------------
TIER_FIGURES = {
    "free": (60, 10_000),
    "standard": (300, 100_000),
    "premium": (1_000, None),
}


@pytest.mark.parametrize("tier", sorted(TIER_FIGURES))
def test_tier_presets_are_visible_in_usage_and_applied(sandbox: SandboxProcess, tier: str) -> None:
    per_minute, per_day = TIER_FIGURES[tier]
    service = new_service(sandbox)
    service.add_key(f"{tier}-key", tier=tier)

    view = key_view(sandbox, service, f"{tier}-key")
    assert view["tier"] == tier
    assert (view["per_minute_limit"], view["per_day_limit"]) == (per_minute, per_day)

    response = get_raw(service, f"{tier}-key")
    assert response.status_code == 200
    assert response.headers["RateLimit-Limit"] == str(per_minute)
    assert response.headers["RateLimit-Remaining"] == str(per_minute - 1)


def test_tier_set_through_patch(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox)
    assert service.edit_key("live", {"tier": "standard"})["tier"] == "standard"
    view = key_view(sandbox, service, "live")
    assert (view["per_minute_limit"], view["per_day_limit"]) == (300, 100_000)
    assert get_raw(service, "live").headers["RateLimit-Limit"] == "300"

    service.edit_key("live", {"tier": "premium"})
    view = key_view(sandbox, service, "live")
    assert (view["per_minute_limit"], view["per_day_limit"]) == (1_000, None)


def test_explicit_limits_win_over_the_tier(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox)
    service.add_key("mixed", tier="free", per_minute_limit=2)
    view = key_view(sandbox, service, "mixed")
    assert (view["per_minute_limit"], view["per_day_limit"]) == (2, 10_000)
    get_raw(service, "mixed")
    get_raw(service, "mixed")
    assert get_raw(service, "mixed").json() == key_rate_limited("mixed", 2)


def test_free_tier_stops_the_61st_request_in_a_minute(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox)
    service.add_key("free", tier="free")
    # the bucket also refills from real time (one token a second); 60 quick GETs earn
    # at most one, which the loop below allows for
    statuses = [get_raw(service, "free").status_code for _ in range(60)]
    assert statuses == [200] * 60
    refused = get_raw(service, "free")
    if refused.status_code == 200:  # real time refilled a token (1 a second): take it
        refused = get_raw(service, "free")
    assert refused.status_code == 429
    assert refused.json() == key_rate_limited("free", 60)


def test_unknown_tier_is_refused(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox)
    body = admin(
        sandbox,
        "PATCH",
        f"/sandbox/v1/services/{service.id}/api-keys/{service.key_ids['live']}",
        {"tier": "gold"},
        expect=400,
    )
    assert body["errors"] == [
        {"error": "BadRequestError", "message": "tier gold is not one of [free, standard, premium]"}
    ]


def test_key_limits_and_service_limits_both_apply(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox, rate_limit=3)  # service bucket: 2 per key type
    service.add_key("roomy", per_minute_limit=100)
    assert raw_send(service, "roomy").status_code == 201
    assert raw_send(service, "roomy").status_code == 201
    refused = raw_send(service, "roomy")
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["message"] == (
        "Exceeded rate limit for key type LIVE of 3 requests per 60 seconds"
    )


# -- the usage view --------------------------------------------------------------------
def test_usage_view_shows_counts_per_channel_and_per_key(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox, rate_limit=600, limits={"sms": 10, "email": 5})
    service.add_key("daily", per_day_limit=100)
    service.sms("live")
    service.sms("live", "+12025550104")
    service.email("team")
    service.sms("test")
    service.sms("daily")
    service.client("daily").get_all_notifications()

    view = usage(sandbox, service.id)

    assert view["service_id"] == service.id
    assert view["rate_limit"] == {"per_minute": 600}
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", view["day"])
    assert view["channels"] == {
        "email": {"used": 1, "limit": 5},
        "sms": {"used": 3, "limit": 10},
        "international_sms": {"used": 1, "limit": 100},
        "letter": {"used": 0, "limit": 20_000},
    }
    keys = {k["name"]: k for k in view["keys"]}
    assert set(keys) == {"test", "team", "live", "daily"}
    assert keys["live"]["key_type"] == "normal"
    assert keys["live"]["sends"] == {"sms": 2}
    assert keys["team"]["sends"] == {"email": 1}
    assert keys["test"]["sends"] == {"sms": 1}
    assert keys["daily"]["sends"] == {"sms": 1}
    assert keys["daily"]["requests_today"] == 2
    assert keys["daily"]["per_day_limit"] == 100


def test_usage_view_of_a_trial_service_shows_the_total(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox, restricted=True)
    service.sms("team")
    service.email("team")
    channels = usage(sandbox, service.id)["channels"]
    assert channels["total"] == {"used": 2, "limit": 50}
    assert channels["sms"] == {"used": 1, "limit": 50}
    assert channels["email"] == {"used": 1, "limit": 50}


def test_usage_view_needs_the_admin_token(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox)
    url = f"{sandbox.base_url}/sandbox/v1/services/{service.id}/usage"

    missing = requests.get(url, timeout=10)
    wrong = requests.get(url, headers={"Authorization": "Bearer nope"}, timeout=10)
    api_key = requests.get(
        url, headers={"Authorization": f"Bearer {service.token('live')}"}, timeout=10
    )

    assert missing.status_code == 401
    assert missing.json() == {
        "status_code": 401,
        "errors": [{"error": "AuthError", "message": "Unauthorized: admin token must be provided"}],
    }
    for refused in (wrong, api_key):
        assert refused.status_code == 403
        assert refused.json() == {
            "status_code": 403,
            "errors": [
                {"error": "AuthError", "message": "Invalid token: admin token not recognised"}
            ],
        }


def test_usage_view_of_an_unknown_service_is_404(sandbox: SandboxProcess) -> None:
    body = admin(
        sandbox,
        "GET",
        "/sandbox/v1/services/99999999-9999-4999-8999-999999999999/usage",
        expect=404,
    )
    assert body == {
        "status_code": 404,
        "errors": [{"error": "NoResultFound", "message": "No result found"}],
    }

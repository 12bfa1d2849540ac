"""The per-minute rate limit (issue 5, contract 7.1): exact 429s, bucket figures, headers.

A token bucket per service and key type, refilling at rate_limit/60 a second, with
capacity min(ceil(rate_limit/3)+1, 1000). Refill is shown by moving the sandbox
clock, never by sleeping. Small rate limits keep the refill from real time (a few
hundred milliseconds of it at most) far below one token.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest

from tests.integration.lane_support import running_sandbox
from tests.integration.limits_support import (
    LimitsService,
    failure,
    move_clock,
    new_service,
    raw_send,
)
from tests.sandbox_process import SandboxProcess

WHOLE_SECONDS = re.compile(r"^[1-9]\d*$")
RATE_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """A sandbox of this module's own: the tests move its clock."""
    with running_sandbox(tmp_path_factory.mktemp("limits-rate")) as process:
        yield process


def rate_limited(limit: int, key_type: str) -> dict[str, object]:
    return {
        "status_code": 429,
        "errors": [
            {
                "error": "RateLimitError",
                "message": f"Exceeded rate limit for key type {key_type} of {limit} "
                "requests per 60 seconds",
            }
        ],
    }


def send_until_refused(service: LimitsService, key: str, most: int = 50) -> int:
    """Sends with `key` until a 429; returns how many got a 201."""
    for sent in range(most):
        response = raw_send(service, key)
        if response.status_code == 429:
            return sent
        assert response.status_code == 201, response.text
    raise AssertionError(f"no 429 after {most} sends")


# -- the 429 itself ------------------------------------------------------------------
def test_each_key_type_has_its_own_bucket_and_exact_429_text(sandbox: SandboxProcess) -> None:
    # rate_limit 3: capacity min(ceil(3/3)+1, 1000) = 2 for each key type
    service = new_service(sandbox, rate_limit=3)
    for key, shown in (("live", "LIVE"), ("team", "TEAM"), ("test", "TEST")):
        client = service.client(key)
        for _ in range(2):
            client.send_sms_notification(
                phone_number="07700900501",
                template_id=service.sms_template,
                personalisation={"name": "Ann"},
            )

        status, body, headers = failure(partial(service.sms, key))

        assert status == 429
        assert body == rate_limited(3, shown)
        assert WHOLE_SECONDS.match(headers["Retry-After"]), headers
        # one token takes 60/3 = 20 s to come back
        assert 18 <= int(headers["Retry-After"]) <= 20


def test_email_sends_share_the_key_type_bucket(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox, rate_limit=3)
    service.sms("live")
    service.email("live")

    status, body, _ = failure(lambda: service.email("live"))

    assert (status, body) == (429, rate_limited(3, "LIVE"))


def test_rate_limit_is_checked_before_the_body_is_parsed(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox, rate_limit=3)
    # a bad body still takes its token: the bucket comes first
    first = raw_send(service, "live", data=b"this is not json")
    assert first.status_code == 400
    assert first.json()["errors"] == [
        {"error": "BadRequestError", "message": "Invalid JSON supplied in POST data"}
    ]
    assert raw_send(service, "live").status_code == 201

    bodies: list[dict[str, Any]] = [
        {"data": b"this is not json"},
        {"data": b""},
        {"body": {}},
        {"body": {"phone_number": "07700900501", "template_id": "not-a-uuid"}},
    ]
    for bad in bodies:
        response = raw_send(service, "live", **bad)
        assert response.status_code == 429, (bad, response.text)
        assert response.json() == rate_limited(3, "LIVE")
        assert WHOLE_SECONDS.match(response.headers["Retry-After"])


def test_rate_limit_applies_to_smoke_test_recipients(
    sandbox: SandboxProcess,
) -> None:
    service = new_service(sandbox, rate_limit=3)
    service.sms("live", "07700900000")
    service.sms("live", "07700900000")
    status, body, _ = failure(lambda: service.sms("live", "07700900000"))
    assert (status, body) == (429, rate_limited(3, "LIVE"))


def test_gets_are_not_rate_limited_by_the_service_bucket(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox, rate_limit=3)
    client = service.client("live")
    for _ in range(6):
        client.get_all_notifications()
    # the GETs took nothing: the two-token burst is still there
    assert send_until_refused(service, "live") == 2


# -- bucket figures ------------------------------------------------------------------
@pytest.mark.parametrize(("rate_limit", "burst"), [(30, 11), (3, 2), (6, 3), (12, 5)])
def test_burst_is_ceil_a_third_plus_one(
    sandbox: SandboxProcess, rate_limit: int, burst: int
) -> None:
    service = new_service(sandbox, rate_limit=rate_limit)
    assert send_until_refused(service, "live") == burst


@pytest.mark.parametrize(
    ("rate_limit", "capacity"), [(300, 101), (2997, 1000), (3000, 1000), (6000, 1000)]
)
def test_large_bucket_capacity_is_capped_at_1000(
    sandbox: SandboxProcess, rate_limit: int, capacity: int
) -> None:
    """Seen through the headers: the first send leaves capacity - 1 tokens."""
    service = new_service(sandbox, rate_limit=rate_limit)
    response = raw_send(service, "live")
    assert response.status_code == 201
    assert response.headers["RateLimit-Limit"] == str(rate_limit)
    assert response.headers["RateLimit-Remaining"] == str(capacity - 1)


def test_default_rate_limit_is_3000(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox)
    response = raw_send(service, "live")
    assert response.headers["RateLimit-Limit"] == "3000"
    assert response.headers["RateLimit-Remaining"] == "999"


def test_bucket_refills_at_rate_limit_over_60_per_second(sandbox: SandboxProcess) -> None:
    # rate_limit 6: capacity 3, one token every 10 s of sandbox time
    service = new_service(sandbox, rate_limit=6)
    assert send_until_refused(service, "live") == 3

    move_clock(sandbox, 5)  # half a token
    assert raw_send(service, "live").status_code == 429
    move_clock(sandbox, 5)  # now one whole token
    assert send_until_refused(service, "live") == 1

    move_clock(sandbox, 20)  # two tokens
    assert send_until_refused(service, "live") == 2

    move_clock(sandbox, 3600)  # far more than capacity: the bucket stops at 3
    assert send_until_refused(service, "live") == 3


def test_retry_after_counts_down_with_the_clock(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox, rate_limit=6)  # 10 s a token
    assert send_until_refused(service, "live") == 3
    assert int(raw_send(service, "live").headers["Retry-After"]) in (9, 10)
    move_clock(sandbox, 6)
    assert int(raw_send(service, "live").headers["Retry-After"]) in (3, 4)


def test_refill_of_one_key_type_leaves_the_others_alone(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox, rate_limit=6)
    assert send_until_refused(service, "live") == 3
    assert send_until_refused(service, "team") == 3
    move_clock(sandbox, 10)
    assert send_until_refused(service, "live") == 1
    assert send_until_refused(service, "team") == 1
    assert send_until_refused(service, "test") == 3


# -- headers -------------------------------------------------------------------------
def test_ratelimit_headers_on_201_and_on_429(sandbox: SandboxProcess) -> None:
    # rate_limit 30: capacity 11, half a token a second
    service = new_service(sandbox, rate_limit=30)
    for remaining in range(10, -1, -1):
        response = raw_send(service, "live")
        assert response.status_code == 201
        assert response.headers["RateLimit-Limit"] == "30"
        assert response.headers["RateLimit-Remaining"] == str(remaining)
        # seconds until the bucket is full again: (11 - tokens left) / 0.5, less the
        # real time (well under a second) that has passed since the first send
        full_again = (11 - remaining) * 2
        assert response.headers["RateLimit-Reset"] in (str(full_again), str(full_again - 1))
        assert "Retry-After" not in response.headers

    refused = raw_send(service, "live")

    assert refused.status_code == 429
    assert refused.json() == rate_limited(30, "LIVE")
    assert refused.headers["RateLimit-Limit"] == "30"
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert refused.headers["RateLimit-Reset"] in ("22", "21")
    assert refused.headers["Retry-After"] in ("2", "1")


def test_ratelimit_headers_on_a_rejected_400(sandbox: SandboxProcess) -> None:
    service = new_service(sandbox, rate_limit=30)
    response = raw_send(service, "live", data=b"this is not json")
    assert response.status_code == 400
    assert response.headers["RateLimit-Limit"] == "30"
    assert response.headers["RateLimit-Remaining"] == "10"
    assert response.headers["RateLimit-Reset"] == "2"
    assert "Retry-After" not in response.headers


def test_strict_mode_sends_none_of_the_extra_headers(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with running_sandbox(
        tmp_path_factory.mktemp("limits-strict"), env={"SANDBOX_STRICT": "true"}
    ) as strict:
        service = new_service(strict, rate_limit=3, limits={"email": 0})
        accepted = raw_send(service, "live")
        assert accepted.status_code == 201
        raw_send(service, "live")
        refused = raw_send(service, "live")
        daily = raw_send(
            service,
            "team",
            {
                "email_address": "member@example.com",
                "template_id": service.email_template,
                "personalisation": {"name": "Ann"},
            },
            kind="email",
        )

    assert refused.status_code == 429
    assert refused.json() == rate_limited(3, "LIVE")
    assert daily.status_code == 429
    assert daily.json()["errors"] == [
        {"error": "TooManyRequestsError", "message": "Exceeded send limits (email: 0) for today"}
    ]
    for response in (accepted, refused, daily):
        for name in (*RATE_HEADERS, "Retry-After"):
            assert name not in response.headers, (name, response.status_code)
        # Notify's own headers are untouched
        assert response.headers["X-Content-Type-Options"] == "nosniff"

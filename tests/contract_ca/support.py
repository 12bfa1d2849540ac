"""Ids and keys of tests/fixtures/contract_ca.yaml, and small helpers for the GC suite.

Every expected text lives in the tests as a literal, copied from the contract; nothing
here is imported from `simulator`.
"""

from __future__ import annotations

from typing import Any

import requests
from notifications_python_client.notifications import NotificationsAPIClient

from tests.contract.support import api_error, envelope, make_token, poll_until, raw

__all__ = [
    "KEYS",
    "LIVE",
    "api_error",
    "bad_request",
    "client",
    "envelope",
    "jwt_for",
    "make_token",
    "poll_until",
    "post",
    "raw",
    "validation",
]

LIVE = "a1111111-1111-4111-8111-111111111111"
TRIAL = "a2222222-2222-4222-8222-222222222222"
DOMESTIC = "a3333333-3333-4333-8333-333333333333"
SUSPENDED = "a4444444-4444-4444-8444-444444444444"
LIMITS = "a5555555-5555-4555-8555-555555555555"
ANNUAL = "a6666666-6666-4666-8666-666666666666"
TRIAL_LIMITS = "a7777777-7777-4777-8777-777777777777"
RATE = "a8888888-8888-4888-8888-888888888888"

SMS_TEMPLATE = "e1111111-1111-4111-8111-111111111111"  # "Hello ((name)), your code is ((code))."
EMAIL_TEMPLATE = "e1111111-1111-4111-8111-111111111112"  # "Dear ((name)),\n\nYour file: ((doc))"
FREE_SMS = "e1111111-1111-4111-8111-111111111113"  # "((text))", prefixed "CA Live: "
ARCHIVED_EMAIL = "e1111111-1111-4111-8111-111111111114"
BILINGUAL_EMAIL = "e1111111-1111-4111-8111-111111111115"
FREE_EMAIL = "e1111111-1111-4111-8111-111111111116"  # "((text))"
TRIAL_SMS = "e2222222-2222-4222-8222-222222222221"
DOMESTIC_SMS = "e3333333-3333-4333-8333-333333333331"  # "((text))", no prefix
DOMESTIC_FILE_EMAIL = "e3333333-3333-4333-8333-333333333332"  # "Here: ((doc))"
SUSPENDED_SMS = "e4444444-4444-4444-8444-444444444441"
LIMITS_SMS = "e5555555-5555-4555-8555-555555555551"  # "((text))", no prefix
LIMITS_EMAIL = "e5555555-5555-4555-8555-555555555552"
ANNUAL_SMS = "e6666666-6666-4666-8666-666666666661"
ANNUAL_EMAIL = "e6666666-6666-4666-8666-666666666662"
TRIAL_LIMITS_EMAIL = "e7777777-7777-4777-8777-777777777771"
RATE_SMS = "e8888888-8888-4888-8888-888888888881"
DEFAULT_SENDER = "b1111111-1111-4111-8111-111111111111"  # +16135550100
SPACED_SENDER = "b1111111-1111-4111-8111-111111111112"  # "613 555 0199"

_KEYS = {
    "test": ("ca-test", LIVE, "d1111111-1111-4111-8111-111111111111"),
    "team": ("ca-team", LIVE, "d1111111-1111-4111-8111-111111111112"),
    "live": ("ca-live", LIVE, "d1111111-1111-4111-8111-111111111113"),
    "to-revoke": ("ca-to-revoke", LIVE, "d1111111-1111-4111-8111-111111111114"),
    "trial-team": ("trial-team", TRIAL, "d2222222-2222-4222-8222-222222222221"),
    "trial-live": ("trial-live", TRIAL, "d2222222-2222-4222-8222-222222222222"),
    "domestic-live": ("domestic-live", DOMESTIC, "d3333333-3333-4333-8333-333333333333"),
    "suspended-live": ("suspended-live", SUSPENDED, "d4444444-4444-4444-8444-444444444444"),
    "limits-live": ("limits-live", LIMITS, "d5555555-5555-4555-8555-555555555551"),
    "limits-test": ("limits-test", LIMITS, "d5555555-5555-4555-8555-555555555552"),
    "annual-live": ("annual-live", ANNUAL, "d6666666-6666-4666-8666-666666666666"),
    "trial-limits-team": (
        "trial-limits-team",
        TRIAL_LIMITS,
        "d7777777-7777-4777-8777-777777777777",
    ),
    "rate-live": ("rate-live", RATE, "d8888888-8888-4888-8888-888888888888"),
}
# GC's full keys: "gcntfy-" + name + service id + secret
KEYS = {label: f"gcntfy-{name}-{sid}-{secret}" for label, (name, sid, secret) in _KEYS.items()}


def client(base_url: str, key: str) -> NotificationsAPIClient:
    """The official Python client with a gcntfy- key (it slices ids from the end)."""
    return NotificationsAPIClient(KEYS[key], base_url=base_url)


def jwt_for(key: str, **kwargs: Any) -> str:
    _, service_id, secret = _KEYS[key]
    return make_token(secret=secret, iss=service_id, **kwargs)


def post(
    base_url: str,
    kind: str,
    body: Any,
    *,
    key: str = "test",
    content_type: str = "application/json",
    api_key_header: bool = False,
) -> requests.Response:
    """POST /v2/notifications/<kind> with a JWT (or ApiKey-v1) and the raw body."""
    import json

    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    authorization = f"ApiKey-v1 {KEYS[key]}" if api_key_header else f"Bearer {jwt_for(key)}"
    return raw(
        base_url,
        "POST",
        f"/v2/notifications/{kind}",
        authorization=authorization,
        headers={"Content-Type": content_type},
        data=data,
    )


def validation(*messages: str) -> tuple[int, dict[str, Any]]:
    return 400, envelope(400, *(("ValidationError", m) for m in messages))


def bad_request(message: str, status: int = 400) -> tuple[int, dict[str, Any]]:
    return status, envelope(status, ("BadRequestError", message))


def answer(response: requests.Response) -> tuple[int, Any]:
    return response.status_code, response.json()

"""Helpers for the contract suite: ids from the contract fixture file, JWTs, polling.

Every expected text lives in the tests themselves as a literal, copied from
the contract; nothing here is imported from `simulator`.
"""

from __future__ import annotations

import re
import time
import uuid
import warnings
from collections.abc import Callable
from typing import Any

import jwt
import requests
from jwt.warnings import InsecureKeyLengthWarning
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from tests.conftest import KEYS, LIVE_SERVICE, TRIAL_SERVICE

__all__ = [
    "ARCHIVED_EMAIL_TEMPLATE",
    "DEFAULT_SMS_SENDER",
    "EMAIL_TEMPLATE",
    "KEYS",
    "LIVE_SERVICE",
    "PHONE_SMS_SENDER",
    "PLAIN_SMS_TEMPLATE",
    "REPLY_TO",
    "SECRETS",
    "SMS_TEMPLATE",
    "TIMELINE_EMAIL",
    "TIMELINE_SECRET",
    "TIMELINE_SERVICE",
    "TIMELINE_SMS",
    "TIMESTAMP",
    "TRIAL_SERVICE",
    "TRIAL_SMS_TEMPLATE",
    "api_error",
    "client_for",
    "envelope",
    "make_token",
    "poll_until",
    "raw",
    "unique_reference",
    "wait_for_status",
]

SMS_TEMPLATE = "51111111-1111-4111-8111-111111111111"  # "Hello ((name)), your code is ((code))."
EMAIL_TEMPLATE = "51111111-1111-4111-8111-111111111112"  # subject "Hello ((name))"
PLAIN_SMS_TEMPLATE = "51111111-1111-4111-8111-111111111113"  # "A plain message"
ARCHIVED_EMAIL_TEMPLATE = "51111111-1111-4111-8111-111111111114"
TRIAL_SMS_TEMPLATE = "52222222-2222-4222-8222-222222222221"
DEFAULT_SMS_SENDER = "21111111-1111-4111-8111-111111111111"  # GOVUK
PHONE_SMS_SENDER = "21111111-1111-4111-8111-111111111112"  # 07700900500
REPLY_TO = "31111111-1111-4111-8111-111111111111"
# the extra sandbox's Timeline service (tests/fixtures/contract_extra.yaml), body "Hello"
TIMELINE_SERVICE = "79999999-9999-4999-8999-999999999999"
TIMELINE_SECRET = "89999999-9999-4999-8999-999999999999"
TIMELINE_SMS = "99999999-9999-4999-8999-999999999991"
TIMELINE_EMAIL = "99999999-9999-4999-8999-999999999992"

SECRETS = {name: key[-36:] for name, key in KEYS.items()}

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")

FINAL_STATUSES = {"delivered", "temporary-failure", "permanent-failure", "technical-failure"}


def client_for(base_url: str, key_name: str) -> NotificationsAPIClient:
    return NotificationsAPIClient(KEYS[key_name], base_url=base_url)


def unique_reference(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:12]}"


def make_token(
    *,
    secret: str = SECRETS["test"],
    claims: dict[str, Any] | None = None,
    iss: Any = LIVE_SERVICE,
    iat_offset: float = 0,
    algorithm: str = "HS256",
    drop: tuple[str, ...] = (),
) -> str:
    payload: dict[str, Any] = {"iss": iss, "iat": int(time.time() + iat_offset)}
    payload.update(claims or {})
    for name in drop:
        payload.pop(name, None)
    if algorithm == "none":
        return jwt.encode(payload, "", algorithm="none")  # PyJWT reads "" as no key
    with warnings.catch_warnings():
        # a 36-character UUID secret is "short" for HS384/HS512; that is the point here
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        return jwt.encode(payload, secret, algorithm=algorithm)


def raw(
    base_url: str,
    method: str,
    path: str,
    *,
    token: str | None = None,
    authorization: str | None = None,
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> requests.Response:
    """A request the official client cannot express; `token` becomes `Bearer <token>`."""
    sent = dict(headers or {})
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    if authorization is not None:
        sent["Authorization"] = authorization
    return requests.request(method, f"{base_url}{path}", headers=sent, timeout=10, **kwargs)


def envelope(status_code: int, *errors: tuple[str, str]) -> dict[str, Any]:
    """Notify's v2 error body."""
    return {
        "status_code": status_code,
        "errors": [{"error": error, "message": message} for error, message in errors],
    }


def api_error(call: Callable[[], Any]) -> tuple[int, Any]:
    """Run a client call expected to fail; return its status and parsed JSON body."""
    try:
        call()
    except HTTPError as error:
        assert error.response is not None
        return error.status_code, error.response.json()
    raise AssertionError("the call succeeded, an HTTPError was expected")


def poll_until(
    fetch: Callable[[], dict[str, Any]],
    done: Callable[[dict[str, Any]], bool],
    *,
    timeout: float = 8.0,
    interval: float = 0.05,
) -> list[dict[str, Any]]:
    """Call `fetch` until `done`; returns every distinct snapshot seen, last one last."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while True:
        current = fetch()
        if not seen or seen[-1] != current:
            seen.append(current)
        if done(current):
            return seen
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout}s; last seen: {current}")
        time.sleep(interval)


def wait_for_status(
    client: NotificationsAPIClient, notification_id: str, *, timeout: float = 8.0
) -> list[dict[str, Any]]:
    """Poll GET /v2/notifications/{id} until the status is final."""
    return poll_until(
        lambda: client.get_notification_by_id(notification_id),
        lambda n: n["status"] in FINAL_STATUSES,
        timeout=timeout,
    )

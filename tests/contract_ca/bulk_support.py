"""Ids, keys and helpers for the bulk suite (tests/fixtures/contract_ca_bulk.yaml).

Expected texts stay in the tests as literals; nothing here is imported from `simulator`.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import requests
from notifications_python_client.notifications import NotificationsAPIClient

from tests.contract.support import make_token
from tests.sandbox_process import ADMIN_TOKEN, ROOT, SandboxProcess

BULK_FIXTURES = ROOT / "tests" / "fixtures" / "contract_ca_bulk.yaml"

LIVE = "f1111111-1111-4111-8111-111111111111"
TRIAL = "f2222222-2222-4222-8222-222222222222"
LIMITS = "f3333333-3333-4333-8333-333333333333"
ANNUAL = "f4444444-4444-4444-8444-444444444444"
BIG = "f5555555-5555-4555-8555-555555555555"
EMAIL_ONLY = "f6666666-6666-4666-8666-666666666666"
SUSPENDED = "f7777777-7777-4777-8777-777777777777"

SMS = "f1111111-1111-4111-8111-1111111111d1"  # "Hello ((name))", prefixed "Bulk Live: "
EMAIL = "f1111111-1111-4111-8111-1111111111d2"  # "Hi ((name))" / "Dear ((name)), ... ((code))."
FREE_SMS = "f1111111-1111-4111-8111-1111111111d3"  # "((text))", prefixed
ARCHIVED = "f1111111-1111-4111-8111-1111111111d4"
SECOND_SENDER = "f1111111-1111-4111-8111-1111111111a2"
OTHER_REPLY_TO = "f1111111-1111-4111-8111-1111111111b2"
TRIAL_EMAIL = "f2222222-2222-4222-8222-2222222222d1"
LIMITS_SMS = "f3333333-3333-4333-8333-3333333333d1"  # "((text))", no prefix
LIMITS_EMAIL = "f3333333-3333-4333-8333-3333333333d2"
ANNUAL_SMS = "f4444444-4444-4444-8444-4444444444d1"
ANNUAL_EMAIL = "f4444444-4444-4444-8444-4444444444d2"
BIG_EMAIL = "f5555555-5555-4555-8555-5555555555d1"
BIG_SMS = "f5555555-5555-4555-8555-5555555555d2"  # "Hi ((name))", prefixed "Bulk Big: "
EMAIL_ONLY_SMS = "f6666666-6666-4666-8666-6666666666d1"
SUSPENDED_SMS = "f7777777-7777-4777-8777-7777777777d1"

_KEYS = {
    "test": ("bulk-test", LIVE, "f1111111-1111-4111-8111-1111111111c1"),
    "team": ("bulk-team", LIVE, "f1111111-1111-4111-8111-1111111111c2"),
    "live": ("bulk-live", LIVE, "f1111111-1111-4111-8111-1111111111c3"),
    "trial-team": ("bulk-trial-team", TRIAL, "f2222222-2222-4222-8222-2222222222c1"),
    "trial-live": ("bulk-trial-live", TRIAL, "f2222222-2222-4222-8222-2222222222c2"),
    "limits": ("bulk-limits-live", LIMITS, "f3333333-3333-4333-8333-3333333333c1"),
    "annual": ("bulk-annual-live", ANNUAL, "f4444444-4444-4444-8444-4444444444c1"),
    "big": ("bulk-big-live", BIG, "f5555555-5555-4555-8555-5555555555c1"),
    "big-test": ("bulk-big-test", BIG, "f5555555-5555-4555-8555-5555555555c2"),
    "email-only": ("bulk-email-only", EMAIL_ONLY, "f6666666-6666-4666-8666-6666666666c1"),
    "suspended": ("bulk-suspended", SUSPENDED, "f7777777-7777-4777-8777-7777777777c1"),
}
KEYS = {label: f"gcntfy-{n}-{sid}-{secret}" for label, (n, sid, secret) in _KEYS.items()}


def client(base_url: str, key: str) -> NotificationsAPIClient:
    return NotificationsAPIClient(KEYS[key], base_url=base_url)


def jwt_for(key: str) -> str:
    _, service_id, secret = _KEYS[key]
    return make_token(secret=secret, iss=service_id)


def post_bulk(
    base_url: str,
    body: Any,
    *,
    key: str = "test",
    content_type: str = "application/json",
    api_key_header: bool = False,
) -> tuple[int, Any]:
    """POST /v2/notifications/bulk with a JWT (or ApiKey-v1); (status, parsed body)."""
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    authorization = f"ApiKey-v1 {KEYS[key]}" if api_key_header else f"Bearer {jwt_for(key)}"
    response = requests.post(
        f"{base_url}/v2/notifications/bulk",
        data=data,
        headers={"Authorization": authorization, "Content-Type": content_type},
        timeout=60,
    )
    return response.status_code, response.json()


def listed(base_url: str, key: str, query: str = "") -> list[dict[str, Any]]:
    """Every notification GET /v2/notifications lists with this query, page after page."""
    url: str | None = f"{base_url}/v2/notifications{'?' + query if query else ''}"
    found: list[dict[str, Any]] = []
    while url:
        page = requests.get(url, headers={"Authorization": f"Bearer {jwt_for(key)}"}, timeout=10)
        assert page.status_code == 200, page.text
        body = page.json()
        found += body["notifications"]
        url = body["links"].get("next") if body["notifications"] else None
    return found


def move_clock(sandbox: SandboxProcess, body: dict[str, Any]) -> dict[str, Any]:
    response = requests.post(
        f"{sandbox.base_url}/sandbox/v1/clock",
        json=body,
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def job_progress(data_dir: Path, job_id: str) -> tuple[str, int, int]:
    """(job_status, processed_rows, notifications stored) read from the store's file."""
    with sqlite3.connect(data_dir / "sandbox.db") as db:
        status, processed = db.execute(
            "SELECT job_status, processed_rows FROM jobs WHERE id = ?", (job_id,)
        ).fetchone()
        (stored,) = db.execute(
            "SELECT COUNT(*) FROM notifications WHERE job_id = ?", (job_id,)
        ).fetchone()
    db.close()
    return status, processed, stored


def wait_for(check: Any, timeout: float = 20.0, interval: float = 0.02) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(interval)

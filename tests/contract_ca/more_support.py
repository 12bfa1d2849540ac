"""Ids, keys and helpers for tests/fixtures/contract_ca_more.yaml (GC's remaining v2 routes).

Expected texts stay in the tests as literals; nothing here is imported from `simulator`.
"""

from __future__ import annotations

import json
from typing import Any

import requests
from notifications_python_client.notifications import NotificationsAPIClient

from tests.contract.support import make_token
from tests.sandbox_process import ROOT

MORE_FIXTURES = ROOT / "tests" / "fixtures" / "contract_ca_more.yaml"

LIVE = "c1111111-1111-4111-8111-111111111111"
OTHER = "c2222222-2222-4222-8222-222222222222"
CALLBACKS = "c3333333-3333-4333-8333-333333333333"
CALLBACKS_SMS = "c3333333-3333-4333-8333-3333333333d1"  # "Hi"
REPORTS = "c4444444-4444-4444-8444-444444444444"
REPORTS_SMS = "c4444444-4444-4444-8444-4444444444d1"  # "Report SMS": "Hello ((name))"
REPORTS_EMAIL = "c4444444-4444-4444-8444-4444444444d2"  # "Report email"
FILES = "c5555555-5555-4555-8555-555555555555"
FILES_EMAIL = "c5555555-5555-4555-8555-5555555555d1"  # "Here: ((doc))"
CANCELS = "c6666666-6666-4666-8666-666666666666"
CANCELS_EMAIL = "c6666666-6666-4666-8666-6666666666d1"
CANCELS_SMS = "c6666666-6666-4666-8666-6666666666d2"
SMS = "c1111111-1111-4111-8111-1111111111d1"  # "Hello ((name))", prefixed "More Live: "
EMAIL = "c1111111-1111-4111-8111-1111111111d2"

_KEYS = {
    "test": ("more-test", LIVE, "c1111111-1111-4111-8111-1111111111c1"),
    "live": ("more-live", LIVE, "c1111111-1111-4111-8111-1111111111c2"),
    "plain": ("more-plain", LIVE, "c1111111-1111-4111-8111-1111111111c3"),
    "other": ("other-test", OTHER, "c2222222-2222-4222-8222-2222222222c1"),
    "callbacks": ("callbacks-test", CALLBACKS, "c3333333-3333-4333-8333-3333333333c1"),
    "reports": ("reports-test", REPORTS, "c4444444-4444-4444-8444-4444444444c1"),
    "reports-plain": ("reports-plain", REPORTS, "c4444444-4444-4444-8444-4444444444c2"),
    "files": ("files-test", FILES, "c5555555-5555-4555-8555-5555555555c1"),
    "cancels": ("cancels-live", CANCELS, "c6666666-6666-4666-8666-6666666666c1"),
}
KEYS = {label: f"gcntfy-{n}-{sid}-{secret}" for label, (n, sid, secret) in _KEYS.items()}


def client(base_url: str, key: str = "test") -> NotificationsAPIClient:
    return NotificationsAPIClient(KEYS[key], base_url=base_url)


def call(
    base_url: str,
    method: str,
    path: str,
    body: Any = None,
    *,
    key: str = "test",
    api_key_header: bool = True,
) -> tuple[int, Any]:
    """One request with ApiKey-v1 (or a JWT); (status, parsed JSON or text)."""
    if api_key_header:
        authorization = f"ApiKey-v1 {KEYS[key]}"
    else:
        _, service_id, secret = _KEYS[key]
        authorization = f"Bearer {make_token(secret=secret, iss=service_id)}"
    headers = {"Authorization": authorization}
    data = None
    if body is not None:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        headers["Content-Type"] = "application/json"
    response = raw_call(base_url, method, path, data, headers)
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, response.text


def raw_call(
    base_url: str, method: str, path: str, data: Any, headers: dict[str, str]
) -> requests.Response:
    return requests.request(method, base_url + path, data=data, headers=headers, timeout=30)


def api_key_headers(key: str) -> dict[str, str]:
    return {"Authorization": f"ApiKey-v1 {KEYS[key]}", "Content-Type": "application/json"}

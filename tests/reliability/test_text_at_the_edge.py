"""Defect 3: text that cannot be stored (non-UTF-8 bytes, lone surrogates) is refused at the edge.

Every JSON body and every header goes through one check, for /v2 and /sandbox/v1 alike, so
nothing is written and no later read can fail on what was stored.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LIVE_SERVICE
from tests.reliability.support import ADMIN, jwt_for, raw_request, service_path
from tests.sandbox_process import SandboxProcess

SMS_TEMPLATE = "51111111-1111-4111-8111-111111111113"
EMAIL_TEMPLATE = "51111111-1111-4111-8111-111111111112"
SURROGATE = b'"\\ud800"'  # valid JSON text, but no UTF-8 encoding exists for it


def _assert_envelope(response: Any, status: int) -> dict[str, Any]:
    assert response.status == status, response
    body: dict[str, Any] = response.json()
    assert body["status_code"] == status
    assert body["errors"] and {"error", "message"} <= set(body["errors"][0])
    return body


def _v2(sandbox: SandboxProcess, path: str, body: bytes) -> Any:
    headers = {"Authorization": f"Bearer {jwt_for('team')}", "Content-Type": "application/json"}
    return raw_request(sandbox, "POST", path, body=body, headers=headers)


def _admin(sandbox: SandboxProcess, method: str, path: str, body: bytes) -> Any:
    headers = {**ADMIN, "Content-Type": "application/json"}
    return raw_request(sandbox, method, path, body=body, headers=headers)


@pytest.mark.parametrize("path", ["/v2/notifications", "/sandbox/v1/services"])
def test_a_non_utf8_authorization_header_is_refused_not_a_500(
    sandbox: SandboxProcess, path: str
) -> None:
    response = raw_request(sandbox, "GET", path, headers={"Authorization": b"Bearer \xe9\xe9"})
    body = _assert_envelope(response, 403)
    assert body["errors"][0]["error"] == "AuthError"


def test_a_non_utf8_byte_in_any_other_header_is_harmless(sandbox: SandboxProcess) -> None:
    response = raw_request(
        sandbox,
        "GET",
        "/sandbox/v1/services",
        headers={**ADMIN, "User-Agent": b"agent-\xff", "X-B3-TraceId": b"\xe9"},
    )
    assert response.status == 200, response


def test_a_surrogate_in_a_send_reference_is_a_400(sandbox: SandboxProcess) -> None:
    body = (
        b'{"phone_number": "07700900501", "template_id": "' + SMS_TEMPLATE.encode() + b'", '
        b'"reference": ' + SURROGATE + b"}"
    )
    _assert_envelope(_v2(sandbox, "/v2/notifications/sms", body), 400)


def test_a_surrogate_in_email_personalisation_is_a_400(sandbox: SandboxProcess) -> None:
    body = (
        b'{"email_address": "member@example.com", "template_id": "'
        + EMAIL_TEMPLATE.encode()
        + b'", "personalisation": {"name": '
        + SURROGATE
        + b', "items": "x", "show": "y"}}'
    )
    _assert_envelope(_v2(sandbox, "/v2/notifications/email", body), 400)


def test_bytes_that_are_not_utf8_in_a_json_body_are_a_400(sandbox: SandboxProcess) -> None:
    body = b'{"phone_number": "07700900501", "template_id": "\xe9\xe9"}'
    _assert_envelope(_v2(sandbox, "/v2/notifications/sms", body), 400)
    _assert_envelope(_admin(sandbox, "PATCH", service_path(), b'{"name": "\xff"}'), 400)


# every admin write that stores text, with a surrogate where the text goes
ADMIN_WRITES = [
    ("PATCH", "", b'{"contact_link": ' + SURROGATE + b"}"),
    ("PATCH", "", b'{"name": ' + SURROGATE + b"}"),
    ("PATCH", "", b'{"sms_senders": [{"sender": ' + SURROGATE + b', "is_default": true}]}'),
    ("POST", "/team", b'{"name": ' + SURROGATE + b', "email_address": "new@example.com"}'),
    ("PUT", "/callbacks/delivery-status", b'{"url": "https://example.com/' + SURROGATE[1:]),
    ("POST", "/api-keys", b'{"name": ' + SURROGATE + b', "key_type": "test"}'),
    ("POST", "/api-keys", b'{"name": "k", "key_type": "test", "tier": ' + SURROGATE + b"}"),
    ("POST", "/templates", b'{"type": "sms", "name": "t", "body": ' + SURROGATE + b"}"),
    (
        "POST",
        "/inbound-sms",
        b'{"user_number": "07700900123", "content": ' + SURROGATE + b"}",
    ),
    ("POST", "/guest-list", b'{"recipient": ' + SURROGATE + b"}"),
]


@pytest.mark.parametrize(("method", "suffix", "body"), ADMIN_WRITES)
def test_an_admin_write_with_a_surrogate_is_a_400_and_writes_nothing(
    sandbox: SandboxProcess, method: str, suffix: str, body: bytes
) -> None:
    if suffix == "/callbacks/delivery-status":
        body = b'{"url": "https://example.com/\\ud800", "bearer_token": "a-long-enough-token"}'
    _assert_envelope(_admin(sandbox, method, service_path(suffix), body), 400)
    # nothing was written: every read and every send still works
    listing = raw_request(sandbox, "GET", "/sandbox/v1/services", headers=ADMIN)
    assert listing.status == 200, listing
    assert b"\\ud800" not in listing.body
    sms = _v2(
        sandbox,
        "/v2/notifications/sms",
        b'{"phone_number": "07700900501", "template_id": "' + SMS_TEMPLATE.encode() + b'"}',
    )
    assert sms.status == 201, sms
    assert LIVE_SERVICE in listing.body.decode()


def test_a_row_poisoned_before_the_fix_still_reads(tmp_path: Path) -> None:
    """Data written by an older version with a lone surrogate answers, escaped, not a 500."""
    process = SandboxProcess(tmp_path / "data").start()
    process.stop()
    with sqlite3.connect(process.data_dir / "sandbox.db") as db:
        (settings,) = db.execute(
            "SELECT settings FROM services WHERE id = ?", (LIVE_SERVICE,)
        ).fetchone()
        poisoned = {**json.loads(settings), "contact_link": "\ud800"}
        db.execute(
            "UPDATE services SET settings = ? WHERE id = ?", (json.dumps(poisoned), LIVE_SERVICE)
        )
    process.start()
    try:
        listing = raw_request(process, "GET", "/sandbox/v1/services", headers=ADMIN)
        assert listing.status == 200, listing
        assert b'"contact_link":"\\ud800"' in listing.body
    finally:
        process.stop()

"""Defect 4: every admin number and date has a stated range; out of range is a 400, not a 500.

Each case is followed by the reads and sends that used to fail afterwards.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.conftest import KEYS
from tests.reliability.support import ADMIN, jwt_for, service_path
from tests.sandbox_process import SandboxProcess

SMS_TEMPLATE = "51111111-1111-4111-8111-111111111113"


def _admin(sandbox: SandboxProcess, method: str, path: str, body: Any) -> requests.Response:
    return requests.request(method, sandbox.base_url + path, json=body, headers=ADMIN, timeout=10)


def _still_healthy(sandbox: SandboxProcess) -> None:
    assert _admin(sandbox, "GET", "/sandbox/v1/services", None).status_code == 200
    send = requests.post(
        sandbox.base_url + "/v2/notifications/sms",
        json={"phone_number": "07700900501", "template_id": SMS_TEMPLATE},
        headers={"Authorization": f"Bearer {jwt_for('team')}"},
        timeout=10,
    )
    assert send.status_code == 201, send.text
    got = requests.get(
        sandbox.base_url + f"/v2/notifications/{send.json()['id']}",
        headers={"Authorization": f"Bearer {jwt_for('team')}"},
        timeout=10,
    )
    assert got.status_code == 200, got.text


def _refused(response: requests.Response, field: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["errors"][0]["error"] == "BadRequestError"
    assert field in body["errors"][0]["message"]


def test_a_huge_template_version_is_not_found(sandbox: SandboxProcess) -> None:
    response = requests.get(
        sandbox.base_url + f"/v2/template/{SMS_TEMPLATE}/version/99999999999999999999999",
        headers={"Authorization": f"Bearer {jwt_for('team')}"},
        timeout=10,
    )
    assert response.status_code == 404, response.text
    assert response.json()["errors"][0]["message"] == "No result found"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rate_limit": 10**30}, "rate_limit"),
        ({"data_retention_days": 10_000_000}, "data_retention_days"),
        ({"limits": {"sms": 10**30}}, "limits.sms"),
    ],
)
def test_service_numbers_out_of_range_are_refused(
    sandbox: SandboxProcess, body: dict[str, Any], field: str
) -> None:
    _refused(_admin(sandbox, "PATCH", service_path(), body), field)
    _still_healthy(sandbox)


def test_key_numbers_out_of_range_are_refused(sandbox: SandboxProcess) -> None:
    keys = _admin(sandbox, "GET", service_path("/api-keys"), None).json()["api_keys"]
    key_id = next(k["id"] for k in keys if k["name"] == "contract-team")
    for field in ("per_minute_limit", "per_day_limit"):
        _refused(
            _admin(sandbox, "PATCH", service_path(f"/api-keys/{key_id}"), {field: 10**30}), field
        )
    created = _admin(
        sandbox,
        "POST",
        service_path("/api-keys"),
        {"name": "far", "key_type": "test", "expires_at": "9999-12-31T23:59:59+00:00"},
    )
    _refused(created, "expires_at")
    _still_healthy(sandbox)
    assert KEYS  # the fixture keys are unchanged


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00"])
def test_the_clock_cannot_be_set_out_of_range(sandbox: SandboxProcess, moment: str) -> None:
    _refused(_admin(sandbox, "POST", "/sandbox/v1/clock", {"set": moment}), "set")
    _still_healthy(sandbox)


def test_the_clock_cannot_be_advanced_out_of_range(sandbox: SandboxProcess) -> None:
    assert _admin(sandbox, "POST", "/sandbox/v1/clock", {"set": "2099-06-01T00:00:00Z"}).ok
    try:
        _refused(
            _admin(sandbox, "POST", "/sandbox/v1/clock", {"advance_seconds": 366 * 86400}),
            "advance_seconds",
        )
    finally:
        assert _admin(sandbox, "POST", "/sandbox/v1/clock", {"reset": True}).ok
    _still_healthy(sandbox)

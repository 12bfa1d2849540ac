"""Defect 2: what an admin changed survives a restart, unless the fixture file itself changed
that field since it was last loaded. Every admin-editable field is checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests
from notifications_python_client.authentication import create_jwt_token

from tests.reliability.support import ADMIN
from tests.sandbox_process import SandboxProcess

SERVICE = "33333333-3333-4333-8333-333333333333"
TEMPLATE = "53333333-3333-4333-8333-333333333333"
SECRET = "43333333-3333-4333-8333-333333333333"

FIXTURE = """
services:
  - id: {service}
    name: {name}
    restricted: false
    active: true
    email_sender_local_part: file.sender
    rate_limit: 3000
    permissions: [sms, email]
    prefix_sms: false
    sms_senders:
      - {{id: 23333333-3333-4333-8333-333333333333, sender: FILE, is_default: true}}
    email_reply_to:
      - {{id: 33333333-3333-4333-8333-333333333334, email_address: file@example.com,
          is_default: true}}
    team:
      - {{name: File Member, email_address: file.member@example.com, mobile_number: "07700900501"}}
    guest_list: ["file.guest@example.com"]
    limits: {{sms: 1000}}
    data_retention_days: 7
    contact_link: https://file.example.com/contact
    callbacks:
      delivery_status: {{url: "https://file.example.com/cb", bearer_token: file-token-0123456789}}
    api_keys:
      - {{name: file-team, key_type: team, secret: {secret}}}
    templates:
      - {{id: {template}, type: sms, name: File SMS, body: "From the file"}}
"""

ADMIN_CHANGES: dict[str, Any] = {
    "name": "Changed by admin",
    "restricted": True,
    "email_sender_local_part": "admin.sender",
    "rate_limit": 77,
    "permissions": ["sms"],
    "prefix_sms": True,
    "sms_senders": [
        {"id": "23333333-3333-4333-8333-333333333334", "sender": "ADMIN", "is_default": True}
    ],
    "email_reply_to": [
        {
            "id": "33333333-3333-4333-8333-333333333335",
            "email_address": "admin@example.com",
            "is_default": True,
        }
    ],
    "limits": {"sms": 51},
    "data_retention_days": 3,
    "contact_link": "https://admin.example.com/contact",
}


def _write(path: Path, name: str = "From the file") -> Path:
    path.write_text(FIXTURE.format(service=SERVICE, name=name, secret=SECRET, template=TEMPLATE))
    return path


def _call(sandbox: SandboxProcess, method: str, suffix: str, body: Any = None) -> Any:
    response = requests.request(
        method,
        f"{sandbox.base_url}/sandbox/v1/services/{SERVICE}{suffix}",
        json=body,
        headers=ADMIN,
        timeout=10,
    )
    assert response.status_code in (200, 201), (method, suffix, response.text)
    return response.json()


def _everything(sandbox: SandboxProcess) -> dict[str, Any]:
    keys = _call(sandbox, "GET", "/api-keys")["api_keys"]
    return {
        "template": _template(sandbox),
        "service": {
            k: v for k, v in _call(sandbox, "GET", "")["data"].items() if k not in {"created_at"}
        },
        "callbacks": _call(sandbox, "GET", "/callbacks"),
        "keys": [
            {
                k: v
                for k, v in key.items()
                if k
                in {"name", "description", "permissions", "tier", "per_minute_limit", "revoked_at"}
            }
            for key in keys
        ],
    }


def _admin_edits(sandbox: SandboxProcess) -> None:
    _call(sandbox, "PATCH", "", ADMIN_CHANGES)
    _call(sandbox, "POST", "/team", {"name": "Admin Member", "email_address": "a@example.com"})
    _call(sandbox, "DELETE", "/team/file.member@example.com")
    _call(sandbox, "POST", "/guest-list", {"recipient": "admin.guest@example.com"})
    _call(
        sandbox,
        "PUT",
        "/callbacks/delivery-status",
        {"url": "https://admin.example.com/cb", "bearer_token": "admin-token-0123456789"},
    )
    _call(sandbox, "PATCH", f"/templates/{TEMPLATE}", {"name": "Admin SMS", "body": "Edited"})
    key_id = _call(sandbox, "GET", "/api-keys")["api_keys"][0]["id"]
    _call(
        sandbox,
        "PATCH",
        f"/api-keys/{key_id}",
        {"name": "admin-named", "description": "edited", "tier": "premium", "per_minute_limit": 9},
    )


def _template(sandbox: SandboxProcess) -> dict[str, Any]:
    token = create_jwt_token(SECRET, SERVICE)
    response = requests.get(
        f"{sandbox.base_url}/v2/template/{TEMPLATE}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return {k: response.json()[k] for k in ("name", "body", "version")}


def test_every_admin_change_survives_a_restart(tmp_path: Path) -> None:
    fixture = _write(tmp_path / "fixture.yaml")
    sandbox = SandboxProcess(tmp_path / "data", fixtures=fixture).start()
    try:
        _admin_edits(sandbox)
        before = _everything(sandbox)
        assert before["service"]["name"] == "Changed by admin"
        sandbox.stop()
        sandbox.start()
        after = _everything(sandbox)
        assert after == before
    finally:
        sandbox.stop()


def test_a_field_the_file_changed_since_its_last_load_wins(tmp_path: Path) -> None:
    fixture = _write(tmp_path / "fixture.yaml")
    sandbox = SandboxProcess(tmp_path / "data", fixtures=fixture).start()
    try:
        _admin_edits(sandbox)
        before = _everything(sandbox)
        sandbox.stop()
        _write(fixture, name="Renamed in the file")
        sandbox.start()
        after = _everything(sandbox)
        assert after["service"]["name"] == "Renamed in the file"
        after["service"]["name"] = before["service"]["name"]
        assert after == before  # every other admin change is kept
        # and a service an admin switched off stays off
        _call(sandbox, "PATCH", "", {"active": False})
        sandbox.stop()
        sandbox.start()
        assert _call(sandbox, "GET", "")["data"]["active"] is False
    finally:
        sandbox.stop()

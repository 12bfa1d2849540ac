"""Helpers for the limits tests (issue 5): admin calls, throwaway services, the clock.

Each test makes a service of its own through the admin API, so tests sharing one
sandbox process never share a bucket or a daily counter. Nothing here imports
`simulator`; the sandbox is reached over HTTP only, with the official client
where it can express the call and `requests` where headers are needed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import requests
from notifications_python_client.authentication import create_jwt_token
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from tests.sandbox_process import ADMIN_TOKEN, SandboxProcess

__all__ = [
    "ADMIN_HEADERS",
    "INTERNATIONAL_PHONE",
    "SMOKE_TEST_PHONE",
    "STRANGER_PHONE",
    "TEAM_EMAIL",
    "TEAM_PHONE",
    "LimitsService",
    "admin",
    "clock_now",
    "failure",
    "move_clock",
    "new_service",
    "raw_send",
    "set_clock",
    "tomorrow_just_after_midnight",
    "usage",
]

ADMIN_HEADERS = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
TEAM_PHONE = "07700900501"
TEAM_EMAIL = "member@example.com"
STRANGER_PHONE = "07700900999"
SMOKE_TEST_PHONE = "07700900000"
INTERNATIONAL_PHONE = "+12025550104"

_KEY_TYPES = {"test": "test", "team": "team", "live": "normal"}


def admin(
    sandbox: SandboxProcess,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    *,
    expect: int | None = None,
) -> dict[str, Any]:
    response = requests.request(
        method, f"{sandbox.base_url}{path}", json=body, headers=ADMIN_HEADERS, timeout=10
    )
    if expect is None:
        assert response.status_code in (200, 201), (method, path, response.text)
    else:
        assert response.status_code == expect, (method, path, response.text)
    answer: dict[str, Any] = response.json()
    return answer


@dataclass
class LimitsService:
    """A service made for one test: its id, one key of each type, an SMS and an email template."""

    sandbox: SandboxProcess
    id: str
    sms_template: str
    email_template: str
    keys: dict[str, str] = field(default_factory=dict)  # test / team / live -> full key
    key_ids: dict[str, str] = field(default_factory=dict)

    def client(self, key: str) -> NotificationsAPIClient:
        return NotificationsAPIClient(self.keys[key], base_url=self.sandbox.base_url)

    def sms(self, key: str, phone: str = TEAM_PHONE, **extra: Any) -> dict[str, Any]:
        sent: dict[str, Any] = self.client(key).send_sms_notification(
            phone_number=phone,
            template_id=self.sms_template,
            personalisation={"name": "Ann"},
            **extra,
        )
        return sent

    def email(self, key: str, address: str = TEAM_EMAIL) -> dict[str, Any]:
        sent: dict[str, Any] = self.client(key).send_email_notification(
            email_address=address,
            template_id=self.email_template,
            personalisation={"name": "Ann"},
        )
        return sent

    def token(self, key: str) -> str:
        full = self.keys[key]
        token: str = create_jwt_token(full[-36:], full[-73:-37])
        return token

    def patch(self, body: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = admin(
            self.sandbox, "PATCH", f"/sandbox/v1/services/{self.id}", body
        )["data"]
        return data

    def add_key(self, name: str, key_type: str = "live", **fields: Any) -> str:
        created = admin(
            self.sandbox,
            "POST",
            f"/sandbox/v1/services/{self.id}/api-keys",
            {"name": name, "key_type": _KEY_TYPES[key_type], **fields},
        )["data"]
        self.keys[name] = created["key"]
        key_id: str = created["id"]
        self.key_ids[name] = key_id
        return key_id

    def edit_key(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = admin(
            self.sandbox,
            "PATCH",
            f"/sandbox/v1/services/{self.id}/api-keys/{self.key_ids[name]}",
            body,
        )["data"]
        return data


def new_service(
    sandbox: SandboxProcess,
    *,
    restricted: bool = False,
    rate_limit: int | None = None,
    limits: dict[str, int] | None = None,
) -> LimitsService:
    """A live (or trial) service with one team member, two templates and its keys.

    A trial service gets test and team keys only (the admin API refuses a live key).
    """
    settings: dict[str, Any] = {
        "name": f"Limits {uuid.uuid4().hex[:8]}",
        "restricted": False,
        "permissions": ["sms", "email", "international_sms"],
    }
    if rate_limit is not None:
        settings["rate_limit"] = rate_limit
    if limits is not None:
        settings["limits"] = limits
    service_id = admin(sandbox, "POST", "/sandbox/v1/services", settings)["data"]["id"]
    base = f"/sandbox/v1/services/{service_id}"
    admin(
        sandbox,
        "POST",
        f"{base}/team",
        {"name": "Member", "email_address": TEAM_EMAIL, "mobile_number": TEAM_PHONE},
    )
    sms = admin(
        sandbox,
        "POST",
        f"{base}/templates",
        {"type": "sms", "name": "Limits SMS", "body": "Hello ((name))"},
    )["data"]["id"]
    email = admin(
        sandbox,
        "POST",
        f"{base}/templates",
        {"type": "email", "name": "Limits email", "subject": "Hi ((name))", "body": "Body"},
    )["data"]["id"]
    service = LimitsService(sandbox, service_id, sms, email)
    for key in ("test", "team") if restricted else ("test", "team", "live"):
        service.add_key(key, key)
    if restricted:
        service.patch({"restricted": True})
    return service


def failure(
    call: Callable[[], Any],
) -> tuple[int, Any, requests.structures.CaseInsensitiveDict[str]]:
    """Run an official-client call expected to fail: its status, JSON body and headers."""
    try:
        call()
    except HTTPError as error:
        assert error.response is not None
        return error.status_code, error.response.json(), error.response.headers
    raise AssertionError("the call succeeded, an HTTPError was expected")


def raw_send(
    service: LimitsService,
    key: str,
    body: Any = None,
    *,
    kind: str = "sms",
    data: bytes | None = None,
) -> requests.Response:
    """POST /v2/notifications/<kind> with `requests`, to see every header."""
    if body is None and data is None:
        body = {
            "phone_number": TEAM_PHONE,
            "template_id": service.sms_template,
            "personalisation": {"name": "Ann"},
        }
    return requests.post(
        f"{service.sandbox.base_url}/v2/notifications/{kind}",
        json=body if data is None else None,
        data=data,
        headers={"Authorization": f"Bearer {service.token(key)}"},
        timeout=10,
    )


def usage(sandbox: SandboxProcess, service_id: str) -> dict[str, Any]:
    return admin(sandbox, "GET", f"/sandbox/v1/services/{service_id}/usage")


# -- the sandbox clock ---------------------------------------------------------------
def clock_now(sandbox: SandboxProcess) -> datetime:
    now = admin(sandbox, "GET", "/sandbox/v1/clock")["now"]
    return datetime.fromisoformat(now.replace("Z", "+00:00"))


def move_clock(sandbox: SandboxProcess, seconds: float) -> None:
    admin(sandbox, "POST", "/sandbox/v1/clock", {"advance_seconds": seconds})


def set_clock(sandbox: SandboxProcess, moment: str) -> None:
    admin(sandbox, "POST", "/sandbox/v1/clock", {"set": moment})


def tomorrow_just_after_midnight(sandbox: SandboxProcess) -> str:
    """`<tomorrow>T00:00:01Z` by the sandbox's own clock."""
    tomorrow = (clock_now(sandbox) + timedelta(days=1)).date()
    return f"{tomorrow.isoformat()}T00:00:01Z"

"""Helpers for the key-management suites (issue 6): the admin API over HTTP, new services.

Every expected text lives in the tests as a literal; nothing is imported from `simulator`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from tests.sandbox_process import ADMIN_TOKEN, SandboxProcess

__all__ = [
    "Admin",
    "api_error",
    "client",
    "running_sandbox",
    "running_sandboxes",
    "send_sms",
]

PHONE = "07700900123"


class Admin:
    """The sandbox's admin API (/sandbox/v1), authenticated with the admin token."""

    def __init__(self, base_url: str, token: str = ADMIN_TOKEN) -> None:
        self.base_url = base_url
        self.http = httpx.Client(
            base_url=f"{base_url}/sandbox/v1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )

    def close(self) -> None:
        self.http.close()

    # -- raw calls --------------------------------------------------------------------------
    def get(self, path: str) -> httpx.Response:
        return self.http.get(path)

    def post(self, path: str, body: Any = None) -> httpx.Response:
        return self.http.post(path, json=body)

    def patch(self, path: str, body: Any) -> httpx.Response:
        return self.http.patch(path, json=body)

    def delete(self, path: str) -> httpx.Response:
        return self.http.delete(path)

    def error(self, response: httpx.Response, status: int = 400) -> str:
        """The single error message of an admin error envelope."""
        assert response.status_code == status, response.text
        body = response.json()
        assert body["status_code"] == status
        assert len(body["errors"]) == 1, body
        return str(body["errors"][0]["message"])

    # -- services ---------------------------------------------------------------------------
    def new_service(self, *, live: bool = False, **fields: Any) -> dict[str, Any]:
        body = {"name": f"Service {uuid.uuid4().hex[:8]}", **fields}
        response = self.post("/services", body)
        assert response.status_code == 201, response.text
        service = response.json()["data"]
        if live:
            service = self.update_service(service["id"], {"restricted": False})
        return dict(service)

    def update_service(self, service_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        response = self.patch(f"/services/{service_id}", changes)
        assert response.status_code == 200, response.text
        return dict(response.json()["data"])

    def new_template(
        self, service_id: str, template_type: str = "sms", **fields: Any
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"type": template_type, "name": "T", "body": "Hello ((name))"}
        if template_type == "email":
            body["subject"] = "Subject ((name))"
        body.update(fields)
        response = self.post(f"/services/{service_id}/templates", body)
        assert response.status_code == 201, response.text
        return dict(response.json()["data"])

    # -- keys -------------------------------------------------------------------------------
    def keys_path(self, service_id: str, key_id: str = "", suffix: str = "") -> str:
        path = f"/services/{service_id}/api-keys"
        return f"{path}/{key_id}{suffix}" if key_id else path

    def new_key(
        self, service_id: str, name: str = "key", key_type: str = "test", **fields: Any
    ) -> dict[str, Any]:
        response = self.post(
            self.keys_path(service_id), {"name": name, "key_type": key_type, **fields}
        )
        assert response.status_code == 201, response.text
        return dict(response.json()["data"])

    def keys(self, service_id: str) -> list[dict[str, Any]]:
        response = self.get(self.keys_path(service_id))
        assert response.status_code == 200, response.text
        return list(response.json()["api_keys"])

    def show_key(self, service_id: str, key_id: str) -> dict[str, Any]:
        response = self.get(self.keys_path(service_id, key_id))
        assert response.status_code == 200, response.text
        return dict(response.json()["data"])

    def revoke(self, service_id: str, key_id: str) -> dict[str, Any]:
        response = self.post(self.keys_path(service_id, key_id, "/revoke"))
        assert response.status_code == 200, response.text
        return dict(response.json()["data"])

    def activity(self, service_id: str, key_id: str) -> dict[str, Any]:
        response = self.get(self.keys_path(service_id, key_id, "/activity"))
        assert response.status_code == 200, response.text
        return dict(response.json())

    # -- the business clock -----------------------------------------------------------------
    def now(self) -> datetime:
        response = self.get("/clock")
        assert response.status_code == 200, response.text
        return datetime.fromisoformat(response.json()["now"].replace("Z", "+00:00"))

    def advance(self, seconds: float) -> None:
        response = self.post("/clock", {"advance_seconds": seconds})
        assert response.status_code == 200, response.text

    def reset_clock(self) -> None:
        response = self.post("/clock", {"reset": True})
        assert response.status_code == 200, response.text

    def in_future(self, seconds: float) -> str:
        return iso(self.now() + timedelta(seconds=seconds))


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def client(sandbox: SandboxProcess | str, full_key: str) -> NotificationsAPIClient:
    base = sandbox if isinstance(sandbox, str) else sandbox.base_url
    return NotificationsAPIClient(full_key, base_url=base)


def send_sms(api: NotificationsAPIClient, template_id: str) -> dict[str, Any]:
    return dict(
        api.send_sms_notification(
            phone_number=PHONE, template_id=template_id, personalisation={"name": "Ada"}
        )
    )


def api_error(call: Any, *args: Any, **kwargs: Any) -> tuple[int, list[dict[str, str]]]:
    """Call the official client expecting an HTTPError; its status and errors list."""
    with pytest.raises(HTTPError) as caught:
        call(*args, **kwargs)
    errors = caught.value.message
    assert isinstance(errors, list), errors  # the client's parsed "errors" list
    return caught.value.status_code, errors


@contextmanager
def running_sandbox(data_dir: Path, env: dict[str, str] | None = None) -> Iterator[SandboxProcess]:
    """A server of the module's own (schemes off unless env turns them on)."""
    with running_sandboxes((data_dir, env or {})) as (process,):
        yield process


@contextmanager
def running_sandboxes(*specs: tuple[Path, dict[str, str]]) -> Iterator[list[SandboxProcess]]:
    """Several servers, started and stopped side by side to keep the suite fast."""
    processes = [SandboxProcess(d, env={"SANDBOX_AUTH_SCHEMES": "", **env}) for d, env in specs]
    try:
        with ThreadPoolExecutor(len(processes)) as pool:
            list(pool.map(SandboxProcess.start, processes))
        yield processes
    finally:
        with ThreadPoolExecutor(len(processes)) as pool:
            list(pool.map(SandboxProcess.stop, processes))

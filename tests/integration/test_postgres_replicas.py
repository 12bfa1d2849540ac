"""Two sandbox replicas on one PostgreSQL database and one Redis, as a shared deployment runs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from notifications_python_client.notifications import NotificationsAPIClient

from tests.conftest import KEYS, LIVE_SERVICE
from tests.integration.storage_support import postgres_database
from tests.sandbox_process import ADMIN_TOKEN, SandboxProcess

SMS_TEMPLATE = "51111111-1111-4111-8111-111111111113"


@pytest.fixture
def replicas(tmp_path: Path) -> Iterator[tuple[SandboxProcess, SandboxProcess]]:
    with postgres_database() as (url, reason):
        if url is None:
            pytest.skip(f"PostgreSQL is not reachable: {reason}")
        env = {
            "SANDBOX_DATABASE_URL": url,
            "SANDBOX_SECRET_KEY": "shared-secret-for-both-replicas",
            "SANDBOX_SIM_SENDING_DELAY": "0.1",
            "SANDBOX_SIM_DELIVERY_DELAY": "0.1",
        }
        first = SandboxProcess(tmp_path / "a", env=env).start()
        second = SandboxProcess(tmp_path / "b", env=env).start()
        try:
            yield first, second
        finally:
            first.stop()
            second.stop()


def _messages(sandbox: SandboxProcess, key_type: str) -> list[dict[str, object]]:
    response = requests.get(
        f"{sandbox.base_url}/sandbox/v1/messages",
        params={"service_id": LIVE_SERVICE, "key_type": key_type, "limit": "1000"},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=10,
    )
    response.raise_for_status()
    return list(response.json()["messages"])


def test_replicas_share_notifications_and_deliver_each_once(
    replicas: tuple[SandboxProcess, SandboxProcess],
) -> None:
    first, second = replicas
    ids = []
    for index in range(20):
        replica = first if index % 2 else second
        for key in ("test", "live"):
            client = NotificationsAPIClient(KEYS[key], base_url=replica.base_url)
            ids.append(client.send_sms_notification("07700900123", SMS_TEMPLATE)["id"])

    reader = NotificationsAPIClient(KEYS["test"], base_url=first.base_url)
    deadline = time.monotonic() + 20
    statuses: set[str] = set()
    while time.monotonic() < deadline:
        statuses = {reader.get_notification_by_id(i)["status"] for i in ids}
        if statuses == {"delivered"}:
            break
        time.sleep(0.2)
    assert statuses == {"delivered"}

    handed_over = [m for m in _messages(second, "normal") if m["provider"] == "outbox"]
    assert sorted(str(m["notification_id"]) for m in handed_over) == sorted(ids[1::2]), (
        "each live notification is recorded exactly once, whichever replica sent it"
    )

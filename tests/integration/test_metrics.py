"""GET /metrics: counters a monitoring system can scrape."""

from __future__ import annotations

import re

import requests
from notifications_python_client.notifications import NotificationsAPIClient

from tests.conftest import KEYS
from tests.sandbox_process import SandboxProcess


def _counter(text: str, name: str) -> int:
    match = re.search(rf"^{name} (\d+)$", text, re.MULTILINE)
    assert match is not None, f"{name} missing from:\n{text}"
    return int(match.group(1))


def test_metrics_count_sends_and_commits(sandbox: SandboxProcess) -> None:
    before = requests.get(f"{sandbox.base_url}/metrics", timeout=5).text
    client = NotificationsAPIClient(KEYS["test"], base_url=sandbox.base_url)
    client.send_sms_notification(
        "07700900123",
        "51111111-1111-4111-8111-111111111113",
    )
    response = requests.get(f"{sandbox.base_url}/metrics", timeout=5)
    assert response.headers["Content-Type"].startswith("text/plain")
    created = "notify_sandbox_notifications_created_total"
    assert _counter(response.text, created) == _counter(before, created) + 1
    assert _counter(response.text, "notify_sandbox_sqlite_commits_total") >= 1
    assert _counter(response.text, "notify_sandbox_limiter_unavailable_total") == 0

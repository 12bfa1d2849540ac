"""GET /metrics: counters a monitoring system can scrape, on either storage backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from notifications_python_client.notifications import NotificationsAPIClient
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import KEYS
from tests.integration.storage_support import postgres_database
from tests.sandbox_process import SandboxProcess


def _scrape(sandbox: SandboxProcess) -> tuple[str, dict[str, float]]:
    response = requests.get(f"{sandbox.base_url}/metrics", timeout=5)
    assert response.status_code == 200
    # a real Prometheus parser: the text is well formed, not just grep-able
    samples = {
        sample.name
        + "".join(f"{{{k}={v}}}" for k, v in sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }
    return response.headers["Content-Type"], samples


def _send_one(sandbox: SandboxProcess) -> None:
    client = NotificationsAPIClient(KEYS["test"], base_url=sandbox.base_url)
    client.send_sms_notification("07700900123", "51111111-1111-4111-8111-111111111113")


def _check_counts(sandbox: SandboxProcess, backend: str) -> None:
    _, before = _scrape(sandbox)
    _send_one(sandbox)
    content_type, after = _scrape(sandbox)
    assert content_type.startswith("text/plain")
    created = "notify_sandbox_notifications_created_total"
    assert after[created] == before[created] + 1
    commits = f"notify_sandbox_store_commits_total{{backend={backend}}}"
    writes = f"notify_sandbox_store_writes_total{{backend={backend}}}"
    assert after[commits] >= before[commits] + 1
    assert after[writes] >= before[writes] + 1
    assert after["notify_sandbox_limiter_unavailable_total"] == 0
    assert not any("sqlite" in name.split("{")[0] for name in after)


def test_metrics_count_sends_and_commits(sandbox: SandboxProcess) -> None:
    _check_counts(sandbox, "sqlite")


@pytest.fixture
def postgres_sandbox(tmp_path: Path) -> Iterator[SandboxProcess]:
    with postgres_database() as (url, reason):
        if url is None:
            pytest.skip(f"PostgreSQL is not reachable: {reason}")
        env = {"SANDBOX_DATABASE_URL": url, "SANDBOX_SECRET_KEY": "metrics-test-secret"}
        process = SandboxProcess(tmp_path / "pg", env=env).start()
        try:
            yield process
        finally:
            process.stop()


def test_metrics_work_on_postgresql(postgres_sandbox: SandboxProcess) -> None:
    _check_counts(postgres_sandbox, "postgresql")

"""Two sandbox replicas on one PostgreSQL database and one Redis, as a shared deployment runs.

The last test runs docs/compose.yaml's topology as plain processes: the replicas get the
compose file's own environment, with only the database and Redis URLs pointed at CI's.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
import yaml
from notifications_python_client.notifications import NotificationsAPIClient

from simulator.data import default_fixtures
from simulator.domain.clock import SandboxClock
from simulator.domain.models import KeyType
from simulator.fixtures import read_fixtures
from tests.conftest import KEYS, LIVE_SERVICE
from tests.integration.storage_support import postgres_database
from tests.sandbox_process import ADMIN_TOKEN, CONTRACT_FIXTURES, ROOT, SandboxProcess

SMS_TEMPLATE = "51111111-1111-4111-8111-111111111113"


COMPOSE = ROOT / "docs" / "compose.yaml"
REDIS_URL = "redis://127.0.0.1:6379/15"  # the one Redis database these tests may use


@contextmanager
def _two_replicas(
    tmp_path: Path, env: Mapping[str, str], fixtures: Path | None
) -> Iterator[tuple[SandboxProcess, SandboxProcess]]:
    """Two servers on one fresh PostgreSQL database; `env` may name it as {database_url}."""
    with postgres_database() as (url, reason):
        if url is None:
            pytest.skip(f"PostgreSQL is not reachable: {reason}")
        filled = {name: value.format(database_url=url) for name, value in env.items()}
        first = SandboxProcess(tmp_path / "a", env=filled, fixtures=fixtures).start()
        try:
            second = SandboxProcess(tmp_path / "b", env=filled, fixtures=fixtures).start()
        except BaseException:
            first.stop()
            raise
        try:
            yield first, second
        finally:
            first.stop()
            second.stop()


@pytest.fixture
def replicas(tmp_path: Path) -> Iterator[tuple[SandboxProcess, SandboxProcess]]:
    env = {
        "SANDBOX_DATABASE_URL": "{database_url}",
        "SANDBOX_SECRET_KEY": "shared-secret-for-both-replicas",
        "SANDBOX_SIM_SENDING_DELAY": "0.1",
        "SANDBOX_SIM_DELIVERY_DELAY": "0.1",
    }
    with _two_replicas(tmp_path, env, CONTRACT_FIXTURES) as pair:
        yield pair


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


def _compose() -> dict[str, Any]:
    return dict(yaml.safe_load(COMPOSE.read_text("utf-8")))


def _replica_services(compose: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Service name -> environment, for every service that runs the sandbox."""
    return {
        name: {str(k): str(v) for k, v in service["environment"].items()}
        for name, service in compose["services"].items()
        if "SANDBOX_DATABASE_URL" in service.get("environment", {})
    }


def test_the_compose_file_balances_two_identical_replicas_on_one_database() -> None:
    compose = _compose()
    replicas = _replica_services(compose)
    assert list(replicas) == ["sandbox-a", "sandbox-b"]
    first, second = replicas.values()
    assert first == second  # one secret key, one admin token, one database, one Redis
    assert first["SANDBOX_DATABASE_URL"].startswith("postgresql://")
    assert first["SANDBOX_DATABASE_URL"].split("@")[1].split(":")[0] in compose["services"]
    assert first["SANDBOX_REDIS_URL"].split("//")[1].split(":")[0] in compose["services"]
    balancer = compose["configs"]["nginx"]["content"]
    assert [line.split()[1] for line in balancer.splitlines() if "server sandbox" in line] == [
        f"{name}:6011;" for name in replicas
    ]
    # docs/deploy.md shows this very file
    assert COMPOSE.read_text("utf-8") in (ROOT / "docs" / "deploy.md").read_text("utf-8")


def test_the_compose_topology_as_processes_reads_a_send_from_one_replica_on_the_other(
    tmp_path: Path,
) -> None:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable: {error}")
    (settings,) = {tuple(env.items()) for env in _replica_services(_compose()).values()}
    env = {
        **dict(settings),
        # CI's own services in place of the compose hosts `postgres` and `redis`
        "SANDBOX_DATABASE_URL": "{database_url}",
        "SANDBOX_REDIS_URL": REDIS_URL,
    }
    defaults = read_fixtures(default_fixtures("default.yaml"), SandboxClock())
    (test_key,) = (k for k in defaults.keys if k.key_type is KeyType.TEST)
    template = defaults.templates[0]
    with _two_replicas(tmp_path, env, None) as (first, second):
        for replica in (first, second):
            status = requests.get(f"{replica.base_url}/_status", timeout=5).json()
            assert status["limits_backend"] == "redis"
        sender = NotificationsAPIClient(test_key.full_key(""), base_url=first.base_url)
        sent = sender.send_sms_notification("07700900123", template.id, {"code": "1", "minutes": 5})
        reader = NotificationsAPIClient(test_key.full_key(""), base_url=second.base_url)
        assert reader.get_notification_by_id(sent["id"])["body"] == (
            "Your sandbox code is 1. It expires in 5 minutes."
        )
        admin = {"Authorization": f"Bearer {env['SANDBOX_ADMIN_TOKEN']}"}
        listed = requests.get(f"{second.base_url}/sandbox/v1/services", headers=admin, timeout=5)
        assert listed.status_code == 200

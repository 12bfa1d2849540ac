"""Defect 1 and the limits suite: N concurrent team sends against a trial allowance of 50 give
exactly 50 201s and 50 stored notifications, whatever the backend.

Unlike the integration test (64 threads), every send here is in flight at once on its own
connection, which is what exhausted redis-py's pool of 100 and made the limiter fail open.
Redis DBs 13 and 14 are this suite's own.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from notifications_python_client.authentication import create_jwt_token
from notifications_python_client.notifications import NotificationsAPIClient

from tests.integration.limits_support import (
    TEAM_PHONE,
    LimitsService,
    failure,
    new_service,
    usage,
)
from tests.integration.storage_support import postgres_database
from tests.reliability.load_support import fire_at_once
from tests.sandbox_process import SandboxProcess

REDIS = "redis://127.0.0.1:6379"
ONE_PROCESS_DB = 13
TWO_PROCESS_DB = 14
ALLOWANCE = 50


def empty_redis(db: int) -> str:
    client = redis.Redis.from_url(f"{REDIS}/{db}", socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.ConnectionError as error:  # pragma: no cover - environment problem
        pytest.fail(f"Redis is not running on 127.0.0.1:6379 ({error}); .ci/run starts it")
    finally:
        client.close()
    return f"{REDIS}/{db}"


@pytest.fixture(scope="module")
def memory_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[SandboxProcess]]:
    process = SandboxProcess(Path(tmp_path_factory.mktemp("exact-mem"))).start()
    yield [process]
    process.stop()


@pytest.fixture(scope="module")
def redis_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[SandboxProcess]]:
    env = {"SANDBOX_REDIS_URL": empty_redis(ONE_PROCESS_DB)}
    process = SandboxProcess(Path(tmp_path_factory.mktemp("exact-redis")), env=env).start()
    yield [process]
    process.stop()


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[SandboxProcess]]:
    with postgres_database() as (url, reason):
        if url is None:
            pytest.fail(f"PostgreSQL is not reachable: {reason}; .ci/run starts it")
        env = {
            "SANDBOX_REDIS_URL": empty_redis(TWO_PROCESS_DB),
            "SANDBOX_DATABASE_URL": url,
            "SANDBOX_SECRET_KEY": "shared-secret-for-both-replicas",
        }
        base = Path(tmp_path_factory.mktemp("exact-two"))
        first = SandboxProcess(base / "a", env=env).start()
        second = SandboxProcess(base / "b", env=env).start()
        try:
            yield [first, second]
        finally:
            first.stop()
            second.stop()


@pytest.fixture(params=["memory", "redis", "two-processes-redis-postgres"])
def processes(request: pytest.FixtureRequest) -> list[SandboxProcess]:
    name = {"memory": "memory_sandbox", "redis": "redis_sandbox"}.get(
        request.param, "two_processes"
    )
    return list(request.getfixturevalue(name))


def _trial_service(sandbox: SandboxProcess) -> LimitsService:
    return new_service(sandbox, restricted=True)


def _stored(service: LimitsService, sandbox: SandboxProcess) -> int:
    client = NotificationsAPIClient(service.keys["team"], base_url=sandbox.base_url)
    seen, older_than = 0, None
    while True:
        page = client.get_all_notifications(older_than=older_than)["notifications"]
        if not page:
            return seen
        seen += len(page)
        older_than = page[-1]["id"]


@pytest.mark.parametrize("sends", [200, 400])
def test_concurrent_sends_against_50_give_exactly_50(
    processes: list[SandboxProcess], sends: int
) -> None:
    service = _trial_service(processes[0])
    full = service.keys["team"]
    body = {
        "phone_number": TEAM_PHONE,
        "template_id": service.sms_template,
        "personalisation": {"name": "Ann"},
        "reference": uuid.uuid4().hex,
    }
    shots = []
    for index in range(sends):
        target = processes[index % len(processes)]
        token = create_jwt_token(full[-36:], full[-73:-37])
        headers = {"Authorization": f"Bearer {token}"}
        shots.append(("POST", target.base_url + "/v2/notifications/sms", body, headers))

    results = fire_at_once(shots)

    statuses = Counter(status for status, _ in results)
    assert statuses == {201: ALLOWANCE, 429: sends - ALLOWANCE}, statuses
    assert _stored(service, processes[0]) == ALLOWANCE
    assert usage(processes[0], service.id)["channels"]["sms"]["used"] == ALLOWANCE


def test_a_redis_error_that_is_not_an_outage_refuses_rather_than_skips(
    redis_sandbox: list[SandboxProcess],
) -> None:
    """A counter Redis cannot use (a key of the wrong type) is no outage: a 503, nothing stored."""
    sandbox = redis_sandbox[0]
    service = _trial_service(sandbox)
    day = usage(sandbox, service.id)["day"]
    client = redis.Redis.from_url(f"{REDIS}/{ONE_PROCESS_DB}")
    try:
        client.hset(f"notify-sandbox:{service.id}-sms-{day}-count", "wrong", "type")
        status, body, _ = failure(lambda: service.sms("team"))
    finally:
        client.close()
    assert status == 503, body
    assert body["errors"][0]["error"] == "ServiceUnavailableError"
    assert _stored(service, sandbox) == 0

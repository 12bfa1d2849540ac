"""GC bulk jobs in the store (issue 8), against SQLite and PostgreSQL alike.

Claims are compare-and-set, a batch and the job's progress commit together, storing a
batch twice stores nothing twice, and job notifications are listed only when asked for.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from simulator.domain.jobs import Job, JobRow, JobStatus
from simulator.domain.models import KeyType, NotificationType
from simulator.domain.ports import ListQuery
from simulator.storage.factory import Storage, open_storage
from simulator.storage.secret_box import SecretBox
from tests.integration.storage_support import T0, later, notification, postgres_database

BOX = SecretBox(b"job-storage-master-key-000000001")


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with postgres_database() as (url, reason):
        if url is None:
            pytest.skip(f"PostgreSQL unreachable, so its cases cannot run: {reason}")
        yield url


async def _fresh_schema(url: str) -> str:
    name = f"jobs_{uuid.uuid4().hex[:10]}"
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(f'CREATE SCHEMA "{name}"')
    finally:
        await connection.close()
    return f"{url}?search_path={name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite://{tmp_path / 'jobs.db'}"


@pytest.fixture
async def url(backend: str) -> str:
    """A database nobody has used: a new SQLite file, or a new PostgreSQL schema."""
    return await _fresh_schema(backend) if backend.startswith("postgresql") else backend


@pytest.fixture
async def storage(url: str, tmp_path: Path) -> AsyncIterator[Storage]:
    opened = await open_storage(url, tmp_path, BOX)
    yield opened
    await opened.close()


def job(**changes: Any) -> Job:
    values: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "service_id": "svc",
        "template_id": "tpl",
        "template_version": 3,
        "template_type": NotificationType.SMS,
        "original_file_name": "spring.csv",
        "notification_count": 2,
        "job_status": JobStatus.PENDING,
        "api_key_id": "key",
        "key_type": KeyType.TEST,
        "created_at": T0,
        "rows": [JobRow(0, "+16135550123", {"name": "Ada"}), JobRow(1, "+16135550124", {})],
        "sender": "+16135550100",
    }
    return Job(**(values | changes))


async def test_a_job_round_trips(storage: Storage) -> None:
    made = job(scheduled_for=later(60), job_status=JobStatus.SCHEDULED, sender_id="s-1")
    await storage.store.add_job(made)
    assert await storage.store.get_job("svc", made.id) == made
    assert await storage.store.get_job("other", made.id) is None


async def test_what_is_due(storage: Storage) -> None:
    store = storage.store
    pending, scheduled = job(), job(job_status=JobStatus.SCHEDULED, scheduled_for=later(10))
    await store.add_job(pending)
    await store.add_job(scheduled)
    assert [j.id for j in await store.due_jobs(T0, 10)] == [pending.id]
    assert await store.claim_job(pending.id, T0, later(1))
    assert not await store.claim_job(pending.id, T0, later(1))  # in progress, leased
    assert await store.due_jobs(T0, 10) == []
    due_later = {j.id for j in await store.due_jobs(later(11), 10)}
    assert due_later == {pending.id, scheduled.id}  # the lease lapsed, the schedule came
    await store.release_job(pending.id)
    assert [j.id for j in await store.due_jobs(T0, 10)] == [pending.id]


async def test_racing_claims_have_one_winner(url: str, tmp_path: Path) -> None:
    replicas = [await open_storage(url, tmp_path, BOX) for _ in range(3)]
    try:
        made = job()
        await replicas[0].store.add_job(made)
        wins = await asyncio.gather(
            *(r.store.claim_job(made.id, T0, later(1)) for r in replicas for _ in range(2))
        )
        assert sum(wins) == 1
    finally:
        for replica in replicas:
            await replica.close()


async def test_progress_is_idempotent_and_listed_only_with_include_jobs(storage: Storage) -> None:
    store = storage.store
    made = job()
    await store.add_job(made)
    assert await store.claim_job(made.id, T0, later(1))
    alone = notification("svc", key_type=KeyType.TEST)
    await store.add_notification(alone)
    batch = [
        notification("svc", later(0.1 * i), key_type=KeyType.TEST, job_id=made.id)
        for i in range(1, 3)
    ]
    await store.save_job_progress(made.id, batch, 2, later(2))
    await store.save_job_progress(made.id, batch, 1, later(2))  # again, after a restart
    stored = await store.get_job("svc", made.id)
    assert stored is not None and stored.processed_rows == 2
    query = ListQuery(service_id="svc", key_type=KeyType.TEST)
    assert [n.id for n in await store.list_notifications(query)] == [alone.id]
    with_jobs = await store.list_notifications(
        ListQuery(service_id="svc", key_type=KeyType.TEST, include_jobs=True)
    )
    assert [n.id for n in with_jobs] == [batch[1].id, batch[0].id, alone.id]
    assert {n.job_id for n in with_jobs} == {made.id, None}
    await store.finish_job(made.id, later(3))
    finished = await store.get_job("svc", made.id)
    assert finished is not None
    assert (finished.job_status, finished.rows) == (JobStatus.FINISHED, [])
    assert (finished.processing_started, finished.processing_finished) == (T0, later(3))
    assert finished.updated_at == later(3) and finished.lease_until is None
    assert await store.due_jobs(later(60), 10) == []

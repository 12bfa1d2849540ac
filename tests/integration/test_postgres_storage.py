"""What only PostgreSQL needs: racing migrations, schema and API parity with SQLite, and
replicas claiming overlapping batches without deadlocks.
"""

from __future__ import annotations

import asyncio
import inspect
import random
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from simulator.domain.models import Status
from simulator.domain.ports import Transition
from simulator.storage.factory import open_storage
from simulator.storage.postgres import PostgresCallbackStore, PostgresInspection, PostgresStore
from simulator.storage.postgres.migrations import schema_files as postgres_schema_files
from simulator.storage.secret_box import SecretBox
from simulator.storage.sqlite_callbacks import SqliteCallbackStore
from simulator.storage.sqlite_inspection import SqliteInspection
from simulator.storage.sqlite_store import SqliteStore
from tests.integration.storage_support import (
    T0,
    key,
    later,
    notification,
    postgres_database,
    service,
)

BOX = SecretBox(b"storage-contract-master-key-0002")


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with postgres_database() as (url, reason):
        if url is None:
            pytest.skip(f"PostgreSQL unreachable, so its cases cannot run: {reason}")
        yield url


async def _fresh_schema(url: str) -> str:
    """A URL whose search_path is a new, empty schema: a database nobody has migrated."""
    name = f"fresh_{uuid.uuid4().hex[:10]}"
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(f'CREATE SCHEMA "{name}"')
    finally:
        await connection.close()
    return f"{url}?search_path={name}"


def _public(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls, inspect.iscoroutinefunction)
        if not name.startswith("_")
    }


@pytest.mark.parametrize(
    ("sqlite_cls", "postgres_cls"),
    [
        (SqliteStore, PostgresStore),
        (SqliteCallbackStore, PostgresCallbackStore),
        (SqliteInspection, PostgresInspection),
    ],
)
def test_postgres_adapters_offer_every_sqlite_method(sqlite_cls: type, postgres_cls: type) -> None:
    sqlite, postgres = _public(sqlite_cls), _public(postgres_cls)
    assert sorted(set(sqlite) - set(postgres)) == []
    for name, signature in sqlite.items():
        assert list(postgres[name].parameters) == list(signature.parameters), name


def test_every_sqlite_schema_version_has_a_postgres_twin() -> None:
    from simulator.storage.migrations import schema_files as sqlite_schema_files

    assert [v for v, _ in postgres_schema_files()] == [v for v, _ in sqlite_schema_files()]


async def test_tables_columns_and_indexes_match_sqlite(postgres_url: str, tmp_path: Path) -> None:
    lite = await open_storage(None, tmp_path, BOX)
    pg = await open_storage(await _fresh_schema(postgres_url), tmp_path, BOX)
    try:
        assert isinstance(lite.store, SqliteStore) and isinstance(pg.store, PostgresStore)
        lite_columns = await lite.store.engine.read(
            lambda c: c.execute(
                "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
                "WHERE m.type = 'table' AND m.name != 'sqlite_sequence' ORDER BY m.name, p.cid"
            ).fetchall()
        )
        pg_columns = await pg.store.engine.read(
            lambda c: c.fetch(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
            )
        )
        assert [tuple(r) for r in pg_columns] == lite_columns
        lite_indexes = await lite.store.engine.read(
            lambda c: c.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' "
                "AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name"
            ).fetchall()
        )
        pg_indexes = await pg.store.engine.read(
            lambda c: c.fetch(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                # indexes behind PRIMARY KEY and UNIQUE: SQLite's are the autoindexes
                "AND indexname NOT IN (SELECT conname FROM pg_constraint) "
                "ORDER BY indexname"
            )
        )
        assert [r[0] for r in pg_indexes] == [r[0] for r in lite_indexes]
    finally:
        await lite.close()
        await pg.close()


async def test_replicas_starting_together_migrate_once(postgres_url: str) -> None:
    url = await _fresh_schema(postgres_url)
    stores = [PostgresStore(url, BOX) for _ in range(4)]
    try:
        await asyncio.gather(*(store.open() for store in stores))
        latest = postgres_schema_files()[-1][0]
        assert {store.schema_version for store in stores} == {latest}
        versions = await stores[0].engine.read(
            lambda c: c.fetch("SELECT version FROM schema_versions ORDER BY version")
        )
        assert [r[0] for r in versions] == [v for v, _ in postgres_schema_files()]
    finally:
        for store in stores:
            await store.close()


async def test_replicas_claiming_overlapping_batches_each_win_once(postgres_url: str) -> None:
    url = await _fresh_schema(postgres_url)
    replicas = [PostgresStore(url, BOX, max_size=4) for _ in range(3)]
    try:
        for store in replicas:
            await store.open()
        due = [notification("svc", next_action_at=T0) for _ in range(120)]
        for n in due:
            await replicas[0].add_notification(n)
        claims = [
            Transition(
                n.id,
                Status.CREATED,
                Status.CREATED,
                later(1),
                later(2),
                attempts_delta=1,
                expected_attempts=0,
            )
            for n in due
        ]

        async def claim(store: PostgresStore) -> list[str]:
            batch = random.sample(claims, len(claims))  # each replica in its own order
            results = await store.apply_transitions(batch)
            return [t.notification_id for t, ok in zip(batch, results, strict=True) if ok]

        won = await asyncio.gather(*(claim(store) for store in replicas for _ in range(2)))
        ids = [i for w in won for i in w]
        assert sorted(ids) == sorted(n.id for n in due)  # every row claimed exactly once
    finally:
        for store in replicas:
            await store.close()


async def test_replicas_saving_the_same_new_keys_at_once_both_succeed(postgres_url: str) -> None:
    # what two replicas do when they load the same fixture file at the same moment
    url = await _fresh_schema(postgres_url)
    a, b = PostgresStore(url, BOX), PostgresStore(url, BOX)
    try:
        await a.open()
        await b.open()
        owner = service()
        await a.save_service(owner)
        for _ in range(60):
            k = key(owner.id)
            await asyncio.gather(a.save_key(k), b.save_key(k))
            assert await b.find_key_by_secret(k.secret) == k
    finally:
        await a.close()
        await b.close()

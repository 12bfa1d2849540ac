"""What only PostgreSQL needs: racing migrations, schema and API parity with SQLite, and
replicas claiming overlapping batches without deadlocks.
"""

from __future__ import annotations

import asyncio
import inspect
import random
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from simulator.domain.models import Status
from simulator.domain.ports import CallbackStore, InspectionView, Store, Transition
from simulator.storage.callbacks import CallbackQueries
from simulator.storage.dialect import POSTGRES
from simulator.storage.factory import open_storage
from simulator.storage.inspection import InspectionQueries
from simulator.storage.migrations import schema_files
from simulator.storage.postgres import PostgresDatabase
from simulator.storage.secret_box import SecretBox
from simulator.storage.store import SqlStore
from tests.integration.storage_support import (
    T0,
    key,
    later,
    notification,
    postgres_database,
    postgres_engine,
    service,
    sqlite_engine,
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
    ("port", "adapter"),
    [
        (Store, SqlStore),
        (CallbackStore, CallbackQueries),
        (InspectionView, InspectionQueries),
    ],
)
def test_adapters_offer_every_port_method(port: type, adapter: type) -> None:
    wanted, offered = _public(port), _public(adapter)
    assert sorted(set(wanted) - set(offered)) == []
    for name, signature in wanted.items():
        assert list(offered[name].parameters) == list(signature.parameters), name


def test_one_schema_tree_expands_for_both_dialects() -> None:
    lite, pg = schema_files(), schema_files(POSTGRES)
    assert [v for v, _ in pg] == [v for v, _ in lite]
    for _, sql in (*lite, *pg):
        assert not re.search(r"\{[a-z_]+\}", sql), "a type token left unexpanded"


async def test_tables_columns_and_indexes_match_sqlite(postgres_url: str, tmp_path: Path) -> None:
    lite = await open_storage(None, tmp_path, BOX)
    pg = await open_storage(await _fresh_schema(postgres_url), tmp_path, BOX)
    try:
        assert (lite.kind, pg.kind) == ("sqlite", "postgresql")
        lite_columns = await sqlite_engine(lite.database.engine).read(
            lambda c: c.execute(
                "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
                "WHERE m.type = 'table' AND m.name != 'sqlite_sequence' ORDER BY m.name, p.cid"
            ).fetchall()
        )
        pg_columns = await postgres_engine(pg.database.engine).read(
            lambda c: c.fetch(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
            )
        )
        assert [tuple(r) for r in pg_columns] == lite_columns
        lite_indexes = await sqlite_engine(lite.database.engine).read(
            lambda c: c.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' "
                "AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name"
            ).fetchall()
        )
        pg_indexes = await postgres_engine(pg.database.engine).read(
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
    stores = [SqlStore(PostgresDatabase(url), BOX) for _ in range(4)]
    try:
        await asyncio.gather(*(store.open() for store in stores))
        latest = schema_files(POSTGRES)[-1][0]
        assert {store.schema_version for store in stores} == {latest}
        versions = await postgres_engine(stores[0].engine).read(
            lambda c: c.fetch("SELECT version FROM schema_versions ORDER BY version")
        )
        assert [r[0] for r in versions] == [v for v, _ in schema_files(POSTGRES)]
    finally:
        for store in stores:
            await store.close()


async def test_replicas_claiming_overlapping_batches_each_win_once(postgres_url: str) -> None:
    url = await _fresh_schema(postgres_url)
    replicas = [SqlStore(PostgresDatabase(url, max_size=4), BOX) for _ in range(3)]
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

        async def claim(store: SqlStore) -> list[str]:
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
    a, b = SqlStore(PostgresDatabase(url), BOX), SqlStore(PostgresDatabase(url), BOX)
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

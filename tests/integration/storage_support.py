"""Helpers for the storage contract suite: a throw-away PostgreSQL database, builders.

PostgreSQL is found at SANDBOX_TEST_POSTGRES_URL (a URL for an administrative
database, used only to create and drop the suite's own database), else at
127.0.0.1:5432 as `postgres`, then as `root`.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from simulator.domain.callbacks import CallbackRecord
from simulator.domain.models import (
    ApiKey,
    KeyType,
    Notification,
    NotificationType,
    ReceivedText,
    Service,
    Status,
    Template,
)
from simulator.domain.ports import MessageRecord
from simulator.storage.factory import Storage
from simulator.storage.postgres.engine import PostgresEngine
from simulator.storage.sql import Engine
from simulator.storage.sqlite_engine import SqliteEngine

__all__ = [
    "T0",
    "callback",
    "key",
    "later",
    "message",
    "notification",
    "postgres_database",
    "raw_rows",
    "received",
    "service",
    "template",
]

T0 = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
_CANDIDATES = (
    "postgresql://postgres@127.0.0.1:5432/postgres",
    "postgresql://root@127.0.0.1:5432/postgres",
)


async def _admin_connection() -> tuple[asyncpg.Connection | None, str, str]:
    """(connection, its URL, why none worked)."""
    configured = os.environ.get("SANDBOX_TEST_POSTGRES_URL")
    reasons = []
    for url in (configured,) if configured else _CANDIDATES:
        try:
            return await asyncpg.connect(url, timeout=5), url, ""
        except (OSError, asyncpg.PostgresError, TimeoutError) as error:
            reasons.append(f"{url.split('@')[-1]}: {type(error).__name__}: {error}")
    return None, "", "; ".join(reasons)


@contextmanager
def postgres_database() -> Iterator[tuple[str | None, str]]:
    """(URL of a fresh database, dropped afterwards; or None and why none could be made)."""
    name = f"sandbox_test_{uuid.uuid4().hex[:12]}"

    async def create() -> tuple[str | None, str]:
        connection, url, reason = await _admin_connection()
        if connection is None:
            return None, reason
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        return url.rsplit("/", 1)[0] + f"/{name}", ""

    async def drop() -> None:
        connection, _, _ = await _admin_connection()
        if connection is not None:
            try:
                await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await connection.close()

    url, reason = asyncio.run(create())
    try:
        yield (url, reason)
    finally:
        if url is not None:
            asyncio.run(drop())


async def raw_rows(storage: Storage, sql: str) -> list[tuple[Any, ...]]:
    """Rows straight from either backend, bypassing every mapper."""
    engine: Any = storage.database.engine  # the backend's own, to bypass the shared SQL
    if storage.kind == "postgresql":
        return [tuple(r) for r in await engine.read(lambda c: c.fetch(sql))]
    return list(await engine.read(lambda c: c.execute(sql).fetchall()))


def _id() -> str:
    return str(uuid.uuid4())


def service(**changes: Any) -> Service:
    values: dict[str, Any] = {"id": _id(), "name": "Contract service", "created_at": T0}
    return Service(**(values | changes))


def key(service_id: str, **changes: Any) -> ApiKey:
    values: dict[str, Any] = {
        "id": _id(),
        "service_id": service_id,
        "name": "contract-key",
        "key_type": KeyType.NORMAL,
        "secret": _id(),
        "created_at": T0,
    }
    return ApiKey(**(values | changes))


def template(service_id: str, **changes: Any) -> Template:
    values: dict[str, Any] = {
        "id": _id(),
        "service_id": service_id,
        "type": NotificationType.SMS,
        "name": "Contract template",
        "body": "Hello ((name))",
        "created_at": T0,
    }
    return Template(**(values | changes))


def notification(service_id: str, at: datetime = T0, **changes: Any) -> Notification:
    values: dict[str, Any] = {
        "id": _id(),
        "service_id": service_id,
        "api_key_id": "key-1",
        "key_type": KeyType.NORMAL,
        "type": NotificationType.SMS,
        "status": Status.CREATED,
        "to": "07700 900123",
        "normalised_to": "447700900123",
        "template_id": "template-1",
        "template_version": 1,
        "created_at": at,
        "body": "Hello Ada",
        "personalisation": {"name": "Ada"},
        "rate_multiplier": 1.5,
    }
    return Notification(**(values | changes))


def message(n: Notification, **changes: Any) -> MessageRecord:
    values: dict[str, Any] = {
        "notification_id": n.id,
        "service_id": n.service_id,
        "key_type": n.key_type,
        "channel": n.type,
        "provider": "outbox",
        "recipient": n.normalised_to,
        "body": n.body,
        "template_id": n.template_id,
        "created_at": n.created_at,
        "fragment_count": 1,
    }
    return MessageRecord(**(values | changes))


def callback(service_id: str, subject_id: str, at: datetime = T0) -> CallbackRecord:
    payload = {"id": subject_id, "status": "delivered"}
    return CallbackRecord(_id(), service_id, "delivery_status", subject_id, payload, at)


def received(service_id: str, at: datetime, content: str = "hi") -> ReceivedText:
    return ReceivedText(_id(), service_id, "447700900111", "07797800000", content, at)


def later(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def sqlite_engine(engine: Engine) -> SqliteEngine:
    """The SQLite engine under a store, for SQL the ports do not offer."""
    assert isinstance(engine, SqliteEngine), engine
    return engine


def postgres_engine(engine: Engine) -> PostgresEngine:
    """The PostgreSQL engine under a store, for SQL the ports do not offer."""
    assert isinstance(engine, PostgresEngine), engine
    return engine

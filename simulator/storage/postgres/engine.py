"""PostgreSQL reached through an asyncpg pool: reads on any connection, writes in a transaction.

A write's coroutine returns only after its COMMIT has returned, so "awaited" still
means "durable" (synchronous_commit is left at the server's default). Replicas that
touch the same rows may deadlock or hit a serialization failure; PostgreSQL then
rolls the whole transaction back, so it is simply run again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg

from simulator.storage.postgres.connection import PgConnection
from simulator.storage.postgres.migrations import (
    apply_postgres_migrations,
    latest_version,
    recorded_versions,
)

__all__ = ["PgConnection", "PostgresEngine", "affected"]

T = TypeVar("T")
Operation = Callable[[PgConnection], Awaitable[T]]

_RETRIED = (asyncpg.DeadlockDetectedError, asyncpg.SerializationError)
_ATTEMPTS = 5


def affected(status: str) -> int:
    """The row count from a command tag such as "UPDATE 1" or "INSERT 0 1"."""
    tail = status.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 0


class PostgresEngine:
    def __init__(self, dsn: str, *, min_size: int = 1, max_size: int = 10) -> None:
        self._dsn = dsn
        self._min_size = min_size
        self._max_size = max_size
        self._pool: asyncpg.Pool | None = None
        self.schema_version: str | None = None
        self.commits = 0
        # one transaction per write: the two counts agree, unlike SQLite's grouped commits
        self.writes = 0

    @property
    def pool(self) -> asyncpg.Pool:
        assert self._pool is not None, "engine not open"
        return self._pool

    async def open(self) -> None:
        self._pool = await asyncpg.create_pool(
            self._dsn, min_size=self._min_size, max_size=self._max_size
        )
        async with self._pool.acquire() as connection:
            await apply_postgres_migrations(connection)
            self.schema_version = latest_version(await recorded_versions(connection))

    async def read(self, operation: Operation[T]) -> T:
        async with self.pool.acquire() as connection:
            return await operation(connection)

    async def write(self, operation: Operation[T]) -> T:
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                async with self.pool.acquire() as connection, connection.transaction():
                    result = await operation(connection)
            except _RETRIED:
                if attempt == _ATTEMPTS:
                    raise
                continue
            self.commits += 1
            self.writes += 1
            return result
        raise AssertionError("unreachable")

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

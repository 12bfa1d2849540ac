"""The PostgreSQL adapter: DirectoryStore and NotificationStore over an asyncpg pool.

It offers the same public methods, with the same return types, as SqliteStore, so
the gateway, the worker and the admin API use either without knowing which.
Several replicas may share one database: writes are transactions, status changes
are compare-and-set, and the schema is migrated under an advisory lock.
"""

from __future__ import annotations

from simulator.storage.postgres.counters import CounterQueries
from simulator.storage.postgres.directory import DirectoryQueries
from simulator.storage.postgres.engine import PostgresEngine
from simulator.storage.postgres.jobs import JobQueries
from simulator.storage.postgres.notifications import NotificationQueries
from simulator.storage.postgres.reports import ReportQueries
from simulator.storage.secret_box import SecretBox

__all__ = ["PostgresStore"]


class PostgresStore(
    DirectoryQueries, NotificationQueries, CounterQueries, JobQueries, ReportQueries
):
    """Implements DirectoryStore and NotificationStore on one PostgreSQL database."""

    def __init__(
        self, dsn: str, secret_box: SecretBox, *, min_size: int = 1, max_size: int = 10
    ) -> None:
        self.engine = PostgresEngine(dsn, min_size=min_size, max_size=max_size)
        self._box = secret_box
        self.schema_version: str | None = None

    async def open(self) -> None:
        await self.engine.open()
        self.schema_version = self.engine.schema_version

    async def close(self) -> None:
        await self.engine.close()

    @property
    def commits(self) -> int:
        return self.engine.commits

    @property
    def writes(self) -> int:
        return self.engine.writes

"""The store: directory, notifications, counters, jobs and reports over one database.

The same class serves both backends; only the executor it is given differs:
``SqliteDatabase`` (``sqlite_db.py``) or ``PostgresDatabase`` (``postgres/database.py``),
chosen by ``factory.py``. Several PostgreSQL replicas may share one database: writes are
transactions, status changes are compare-and-set, and the schema is migrated under an
advisory lock.
"""

from __future__ import annotations

from simulator.domain.clock import Clock, SandboxClock
from simulator.storage.counters import CounterQueries
from simulator.storage.directory import DirectoryQueries
from simulator.storage.jobs import JobQueries
from simulator.storage.notifications import NotificationQueries
from simulator.storage.reports import ReportQueries
from simulator.storage.secret_box import SecretBox
from simulator.storage.sql import Database, Engine

__all__ = ["SqlStore"]


class SqlStore(DirectoryQueries, NotificationQueries, CounterQueries, JobQueries, ReportQueries):
    def __init__(self, db: Database, secret_box: SecretBox, clock: Clock | None = None) -> None:
        """``clock``: the sandbox's, which reads derive timelines stored once from."""
        self._db = db
        self._box = secret_box
        self._clock = clock or SandboxClock()

    @property
    def database(self) -> Database:
        return self._db

    @property
    def engine(self) -> Engine:
        """The backend's own engine, for callers that need SQLite or PostgreSQL itself
        (tests, tools); the application uses only the methods above."""
        return self._db.engine

    async def open(self) -> None:
        await self._db.open()

    @property
    def backend(self) -> str:
        return self._db.dialect.name

    @property
    def schema_version(self) -> str | None:
        return self._db.schema_version

    @property
    def commits(self) -> int:
        return self._db.commits

    @property
    def writes(self) -> int:
        return self._db.writes

    async def close(self) -> None:
        await self._db.close()

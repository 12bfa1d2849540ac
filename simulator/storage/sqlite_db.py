"""The SQLite executor: programs run on the group-commit engine's writer or reader thread."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from simulator.storage.dialect import SQLITE
from simulator.storage.migrations import latest_version
from simulator.storage.sql import Database, Program, Statement, advance
from simulator.storage.sqlite_engine import SqliteEngine

__all__ = ["SqliteDatabase"]

T = TypeVar("T")


def _step(connection: sqlite3.Connection, statement: Statement) -> Any:
    # sqlite3 takes :name parameters from a mapping as they are
    kind, text, params = statement.kind, statement.text, statement.params
    if kind == "execute":
        return connection.execute(text, params).rowcount
    if kind == "fetch":
        return connection.execute(text, params).fetchall()
    if kind == "fetch_row":
        return connection.execute(text, params).fetchone()
    if kind == "fetch_value":
        row = connection.execute(text, params).fetchone()
        return None if row is None else row[0]
    connection.executemany(text, [params] if isinstance(params, Mapping) else params)
    return None


def _run(make: Callable[[], Program[T]]) -> Callable[[sqlite3.Connection], T]:
    def run(connection: sqlite3.Connection) -> T:
        program = make()
        step = advance(program, None)
        while isinstance(step, Statement):
            step = advance(program, _step(connection, step))
        return step.value

    return run


class SqliteDatabase(Database):
    dialect = SQLITE
    engine: SqliteEngine

    def __init__(self, path: Path | str, *, synchronous: str = "NORMAL") -> None:
        self.engine = SqliteEngine(path, synchronous=synchronous)
        self.schema_version: str | None = None

    async def open(self) -> None:
        await self.engine.open()
        versions = await self.engine.read(
            lambda c: [row[0] for row in c.execute("SELECT version FROM schema_versions")]
        )
        self.schema_version = latest_version(versions)

    async def read(self, make: Callable[[], Program[T]]) -> T:
        return await self.engine.read(_run(make))

    async def write(self, make: Callable[[], Program[T]], *, upsert_race: bool = False) -> T:
        # one writer thread: no other writer can insert between the check and the insert
        return await self.engine.write(_run(make))

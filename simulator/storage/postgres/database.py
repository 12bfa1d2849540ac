"""The PostgreSQL executor: programs run on an asyncpg pool, each write in one transaction.

Named parameters (``:name``) become asyncpg's numbered ones (``$1``) once per statement
text; a name used twice is one parameter. Rows come back as tuples, as from SQLite.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import asyncpg

from simulator.storage.dialect import POSTGRES
from simulator.storage.postgres.connection import PgConnection
from simulator.storage.postgres.engine import PostgresEngine, affected
from simulator.storage.sql import Database, Params, Program, Statement, advance

__all__ = ["PostgresDatabase", "numbered"]

T = TypeVar("T")

# :name, but not the second colon of a ::cast, nor a time such as '12:30'
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_COMPILED: dict[str, tuple[str, tuple[str, ...]]] = {}


def numbered(text: str) -> tuple[str, tuple[str, ...]]:
    """The statement with $n placeholders, and the parameter name each n stands for."""
    found = _COMPILED.get(text)
    if found is None:
        order: list[str] = []

        def number(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in order:
                order.append(name)
            return f"${order.index(name) + 1}"

        found = _COMPILED[text] = (_NAMED.sub(number, text), tuple(order))
    return found


def _args(names: tuple[str, ...], params: Params) -> list[object]:
    return [params[name] for name in names]


async def _step(connection: PgConnection, statement: Statement) -> Any:
    text, names = numbered(statement.text)
    params = statement.params
    if statement.kind == "execute_many":
        rows: Sequence[Params] = [params] if isinstance(params, Mapping) else params
        await connection.executemany(text, [_args(names, row) for row in rows])
        return None
    assert isinstance(params, Mapping)
    args = _args(names, params)
    if statement.kind == "execute":
        return affected(await connection.execute(text, *args))
    if statement.kind == "fetch":
        return [tuple(row) for row in await connection.fetch(text, *args)]
    if statement.kind == "fetch_row":
        row = await connection.fetchrow(text, *args)
        return None if row is None else tuple(row)
    return await connection.fetchval(text, *args)


def _run(make: Callable[[], Program[T]]) -> Callable[[PgConnection], Any]:
    async def run(connection: PgConnection) -> T:
        program = make()
        step = advance(program, None)
        while isinstance(step, Statement):
            step = advance(program, await _step(connection, step))
        return step.value

    return run


class PostgresDatabase(Database):
    dialect = POSTGRES
    engine: PostgresEngine

    def __init__(self, dsn: str, *, min_size: int = 1, max_size: int = 10) -> None:
        self.engine = PostgresEngine(dsn, min_size=min_size, max_size=max_size)
        self.schema_version: str | None = None

    async def open(self) -> None:
        await self.engine.open()
        self.schema_version = self.engine.schema_version

    async def read(self, make: Callable[[], Program[T]]) -> T:
        result: T = await self.engine.read(_run(make))
        return result

    async def write(self, make: Callable[[], Program[T]], *, upsert_race: bool = False) -> T:
        try:
            result: T = await self.engine.write(_run(make))
        except asyncpg.UniqueViolationError:
            if not upsert_race:
                raise
            # the winner has committed: the same upsert now finds its row and updates it
            result = await self.engine.write(_run(make))
        return result

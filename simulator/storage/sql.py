"""Queries written once for both backends: statements, programs and the executor interface.

A *program* is a generator that yields statements and receives each one's result, so a
unit of work with its own logic (apply a compare-and-set, and only if it applied queue a
callback) is written once and run by either executor: the SQLite one drives it inside
its group-commit writer thread, the PostgreSQL one inside an asyncpg transaction. A
program must only talk to the database through what it yields; an executor may run it
again from the start (PostgreSQL retries a transaction after a deadlock).

Results by kind: ``execute`` -> rows affected; ``fetch`` -> list of tuples;
``fetch_row`` -> a tuple or None; ``fetch_value`` -> the first column of the first row,
or None; ``execute_many`` -> None.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, TypeVar

from simulator.storage.dialect import Dialect

__all__ = [
    "Database",
    "Finished",
    "Program",
    "Statement",
    "advance",
    "execute",
    "execute_many",
    "fetch",
    "fetch_row",
    "fetch_value",
    "named",
]

T = TypeVar("T")
Kind = Literal["execute", "execute_many", "fetch", "fetch_row", "fetch_value"]
Params = Mapping[str, object]


# not frozen: a frozen dataclass costs more to build, and programs build one per query
@dataclass(slots=True)
class Statement:
    kind: Kind
    text: str  # with named parameters, :name
    params: Params | Sequence[Params]


Program = Generator[Statement, Any, T]


def execute(text: str, params: Params) -> Statement:
    return Statement("execute", text, params)


def execute_many(text: str, rows: Sequence[Params]) -> Statement:
    return Statement("execute_many", text, rows)


def fetch(text: str, params: Params) -> Statement:
    return Statement("fetch", text, params)


def fetch_row(text: str, params: Params) -> Statement:
    return Statement("fetch_row", text, params)


def fetch_value(text: str, params: Params) -> Statement:
    return Statement("fetch_value", text, params)


def named(columns: str) -> str:
    """``a, b, c`` -> ``:a, :b, :c``: the VALUES list for a column list."""
    return ", ".join(f":{column.strip()}" for column in columns.split(","))


@dataclass(slots=True)
class Finished(Generic[T]):
    value: T


def advance(program: Program[T], result: object) -> Statement | Finished[T]:
    """Give a program the last statement's result: its next statement, or what it
    returned. The one step both executors' drivers repeat."""
    try:
        return program.send(result)
    except StopIteration as done:
        return Finished(done.value)


def _single(statement: Statement) -> Program[Any]:
    return (yield statement)


class Engine(Protocol):
    """The connection-level engine under an executor, and what /metrics counts of it."""

    commits: int  # transactions committed
    writes: int  # writes made durable (SQLite groups several into one commit)

    async def close(self) -> None: ...


class Database:
    """One backend's executor: runs programs for reading, or writing in one transaction.

    Subclasses implement ``read`` and ``write``; a write's coroutine returns only after
    its commit, so "awaited" means "durable".
    """

    dialect: Dialect
    engine: Engine
    schema_version: str | None = None

    async def open(self) -> None:
        """Connect, and bring the schema up to date."""
        raise NotImplementedError

    async def read(self, make: Callable[[], Program[T]]) -> T:
        raise NotImplementedError

    async def write(self, make: Callable[[], Program[T]], *, upsert_race: bool = False) -> T:
        """``upsert_race``: run it once more if it lost a race to insert the same unique
        value (an upsert on one column tripping over another unique column)."""
        raise NotImplementedError

    @property
    def commits(self) -> int:
        return self.engine.commits

    @property
    def writes(self) -> int:
        return self.engine.writes

    async def close(self) -> None:
        await self.engine.close()

    # -- one statement --------------------------------------------------------------
    async def rows(self, text: str, params: Params) -> list[tuple[Any, ...]]:
        result: list[tuple[Any, ...]] = await self.read(lambda: _single(fetch(text, params)))
        return result

    async def row(self, text: str, params: Params) -> tuple[Any, ...] | None:
        result: tuple[Any, ...] | None = await self.read(lambda: _single(fetch_row(text, params)))
        return result

    async def value(self, text: str, params: Params) -> Any:
        return await self.read(lambda: _single(fetch_value(text, params)))

    async def run(self, text: str, params: Params) -> int:
        """Run one changing statement in its own transaction; the rows it affected."""
        result: int = await self.write(lambda: _single(execute(text, params)))
        return result

    async def run_many(self, text: str, rows: Sequence[Params]) -> None:
        if rows:
            await self.write(lambda: _single(execute_many(text, rows)))

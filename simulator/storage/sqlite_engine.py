"""SQLite reached from asyncio: one writer thread with grouped commits, one reader thread.

Every write is a function of a connection. Writes queued while a commit is in
progress are run together in the next transaction, each inside its own savepoint
so one failure does not undo its neighbours. A caller's future resolves only
after the COMMIT that contains its write returns, so "awaited" means "durable".
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from simulator.storage.migrations import apply_sqlite_migrations

__all__ = ["SqliteEngine"]

T = TypeVar("T")
Operation = Callable[[sqlite3.Connection], Any]


def _connect(path: str, synchronous: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA synchronous={synchronous}")
    connection.execute("PRAGMA busy_timeout=5000")
    connection.execute("PRAGMA foreign_keys=OFF")
    return connection


class SqliteEngine:
    def __init__(self, path: Path | str, *, synchronous: str = "NORMAL") -> None:
        if synchronous.upper() not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
            raise ValueError(f"unknown SQLite synchronous mode {synchronous!r}")
        self._path = str(path)
        self._synchronous = synchronous.upper()
        self._writer_pool = ThreadPoolExecutor(1, thread_name_prefix="sqlite-writer")
        self._reader_pool = ThreadPoolExecutor(1, thread_name_prefix="sqlite-reader")
        self._writer: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        self._pending: list[tuple[Operation, asyncio.Future[Any]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self.commits = 0
        self.writes = 0

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        self._writer = await loop.run_in_executor(self._writer_pool, self._open_writer)
        self._reader = await loop.run_in_executor(
            self._reader_pool, _connect, self._path, self._synchronous
        )

    def _open_writer(self) -> sqlite3.Connection:
        connection = _connect(self._path, self._synchronous)
        apply_sqlite_migrations(connection)
        return connection

    async def write(self, operation: Callable[[sqlite3.Connection], T]) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._pending.append((operation, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = loop.create_task(self._flush_loop())
        return await future

    async def read(self, operation: Callable[[sqlite3.Connection], T]) -> T:
        assert self._reader is not None, "engine not open"
        reader = self._reader
        return await asyncio.get_running_loop().run_in_executor(
            self._reader_pool, operation, reader
        )

    async def _flush_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                results = await loop.run_in_executor(self._writer_pool, self._run_batch, batch)
            except BaseException as error:  # the commit itself failed: nobody is durable
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_, future), (ok, value) in zip(batch, results, strict=True):
                if future.done():
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)

    def _run_batch(
        self, batch: list[tuple[Operation, asyncio.Future[Any]]]
    ) -> list[tuple[bool, Any]]:
        connection = self._writer
        assert connection is not None
        results: list[tuple[bool, Any]] = []
        connection.execute("BEGIN IMMEDIATE")
        try:
            for operation, _ in batch:
                connection.execute("SAVEPOINT op")
                try:
                    value = operation(connection)
                except Exception as error:
                    connection.execute("ROLLBACK TO op")
                    connection.execute("RELEASE op")
                    results.append((False, error))
                else:
                    connection.execute("RELEASE op")
                    results.append((True, value))
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        self.commits += 1
        self.writes += len(batch)
        return results

    async def close(self) -> None:
        if self._flusher is not None:
            await asyncio.gather(self._flusher, return_exceptions=True)
        loop = asyncio.get_running_loop()
        for pool, connection in (
            (self._writer_pool, self._writer),
            (self._reader_pool, self._reader),
        ):
            if connection is not None:
                await loop.run_in_executor(pool, connection.close)
            pool.shutdown(wait=True)
        self._writer = self._reader = None

"""SQLite's group commit: writes queued together commit together, and a failing one undoes
nothing of its neighbours (each runs in its own savepoint)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path

from simulator.storage.sqlite_engine import SqliteEngine


def insert(value: int, then_fail: bool = False) -> Callable[[sqlite3.Connection], int]:
    def run(connection: sqlite3.Connection) -> int:
        connection.execute("INSERT INTO t (v) VALUES (?)", (value,))
        if then_fail:  # after its own write: that write must go, the others stay
            connection.execute("INSERT INTO t (v) VALUES (?)", (value,))
        return value

    return run


async def test_a_failing_write_in_a_group_undoes_only_itself(tmp_path: Path) -> None:
    engine = SqliteEngine(tmp_path / "g.db")
    await engine.open()
    try:
        await engine.write(lambda c: c.execute("CREATE TABLE t (v INTEGER PRIMARY KEY)"))
        commits = engine.commits
        results = await asyncio.gather(
            *(engine.write(insert(v, then_fail=v == 3)) for v in range(1, 6)),
            return_exceptions=True,
        )
        stored = await engine.read(lambda c: [r[0] for r in c.execute("SELECT v FROM t")])
        alone = await engine.write(insert(9))
        committed_in = engine.commits - commits
    finally:
        await engine.close()

    assert [r for r in results if not isinstance(r, BaseException)] == [1, 2, 4, 5]
    failed = [r for r in results if isinstance(r, BaseException)]
    assert len(failed) == 1 and isinstance(failed[0], sqlite3.IntegrityError)
    assert sorted(stored) == [1, 2, 4, 5]
    assert alone == 9
    assert committed_in <= 3  # the five queued together, and the one after


async def test_a_group_without_failures_commits_once(tmp_path: Path) -> None:
    engine = SqliteEngine(tmp_path / "g.db")
    await engine.open()
    try:
        await engine.write(lambda c: c.execute("CREATE TABLE t (v INTEGER PRIMARY KEY)"))
        commits = engine.commits
        done = await asyncio.gather(*(engine.write(insert(v)) for v in range(20)))
        stored = await engine.read(lambda c: c.execute("SELECT COUNT(*) FROM t").fetchone()[0])
        groups = engine.commits - commits
    finally:
        await engine.close()

    assert (sorted(done), stored) == (list(range(20)), 20)
    assert groups <= 2  # the first write alone, then the rest queued behind it

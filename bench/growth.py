"""Growth: what a send, a get by id and a page of 250 cost with few or many rows stored.

Sending a million notifications through the API would take longer than the rest of the
benchmark, so the store is filled directly: the server is stopped, copies of one of its
own final test-key notifications are inserted in one SQL statement (new ids, earlier
created_at, every other column as the server wrote it), and the server is started again.
The seeded rows are older than the real ones, so the page of 250 shows real sends.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import asyncpg

__all__ = ["SEED_ID_PREFIX", "seed_postgres", "seed_sqlite"]

SEED_ID_PREFIX = "c0ffee00-0000-4000-8000-"
_STEP_MICROS = 50  # seeded rows are 50 µs apart, ending before the oldest real row
_FIXED = ("id", "created_at", "reference", "next_action_at")


def _columns(names: list[str]) -> list[str]:
    return [name for name in names if name not in _FIXED]


def _seed_sqlite_now(database: Path, count: int, start: int) -> int:
    connection = sqlite3.connect(database, timeout=60)
    try:
        names = [row[1] for row in connection.execute("PRAGMA table_info(notifications)")]
        rest = _columns(names)
        copied = ", ".join(f"t.{name}" for name in rest)
        with connection:
            connection.execute(
                f"""
                WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                INSERT INTO notifications (id, created_at, reference, next_action_at, {", ".join(rest)})
                SELECT printf('{SEED_ID_PREFIX}%012x', n.i),
                       t.created_at - (n.i + 1) * {_STEP_MICROS},
                       'seed', NULL, {copied}
                FROM n, (SELECT * FROM notifications
                         WHERE key_type = 'test' AND next_action_at IS NULL
                         ORDER BY created_at LIMIT 1) AS t
                """,  # noqa: E501 - one statement, read as a whole
                (start, start + count - 1),
            )
        return int(connection.execute("SELECT count(*) FROM notifications").fetchone()[0])
    finally:
        connection.close()


async def seed_sqlite(database: Path, count: int, start: int = 0) -> int:
    """Add `count` seeded rows to a stopped sandbox's SQLite file; the rows stored after."""
    return await asyncio.to_thread(_seed_sqlite_now, database, count, start)


async def seed_postgres(url: str, count: int, start: int = 0) -> int:
    """Add `count` seeded rows to a stopped sandbox's PostgreSQL database; the rows after."""
    connection = await asyncpg.connect(url, timeout=10)
    try:
        names = [
            row["column_name"]
            for row in await connection.fetch(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'notifications' ORDER BY ordinal_position"
            )
        ]
        rest = _columns(names)
        copied = ", ".join(f"t.{name}" for name in rest)
        await connection.execute(
            f"""
            INSERT INTO notifications (id, created_at, reference, next_action_at, {", ".join(rest)})
            SELECT '{SEED_ID_PREFIX}' || lpad(to_hex(n.i), 12, '0'),
                   t.created_at - (n.i + 1) * {_STEP_MICROS},
                   'seed', NULL, {copied}
            FROM generate_series($1::bigint, $2::bigint) AS n(i),
                 (SELECT * FROM notifications
                  WHERE key_type = 'test' AND next_action_at IS NULL
                  ORDER BY created_at LIMIT 1) AS t
            """,
            start,
            start + count - 1,
            timeout=1800,
        )
        await connection.execute("ANALYZE notifications")
        return int(await connection.fetchval("SELECT count(*) FROM notifications"))
    finally:
        await connection.close()

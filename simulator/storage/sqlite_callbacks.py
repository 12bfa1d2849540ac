"""Queued callbacks in SQLite: add, claim what is due, record the outcome."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from simulator.domain.callbacks import CallbackRecord
from simulator.domain.ports import DueCallback
from simulator.storage.rows import micros, moment
from simulator.storage.sqlite_engine import SqliteEngine
from simulator.storage.transitions import insert_callback

__all__ = ["SqliteCallbackStore"]


class SqliteCallbackStore:
    def __init__(self, engine: SqliteEngine) -> None:
        self._engine = engine

    async def add(self, record: CallbackRecord) -> None:
        await self._engine.write(lambda c: insert_callback(c, record))

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[DueCallback]:
        """Due callbacks, each moved to `lease_until` so no other worker takes it meanwhile."""
        now_us, lease_us = micros(now), micros(lease_until)

        def run(c: sqlite3.Connection) -> list[DueCallback]:
            rows = c.execute(
                "SELECT id, service_id, kind, subject_id, payload, attempts FROM callbacks "
                "WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ? "
                "ORDER BY next_attempt_at LIMIT ?",
                (now_us, limit),
            ).fetchall()
            claimed = []
            for row in rows:
                updated = c.execute(
                    "UPDATE callbacks SET next_attempt_at = ?, attempts = attempts + 1 "
                    "WHERE id = ? AND attempts = ?",
                    (lease_us, row[0], row[5]),
                ).rowcount
                if updated:
                    claimed.append(
                        DueCallback(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5] + 1)
                    )
            return claimed

        return await self._engine.write(run)

    async def finish(
        self,
        callback_id: str,
        *,
        status: str,
        next_attempt_at: datetime | None,
        error: str | None,
        at: datetime,
    ) -> None:
        values = (status, micros(next_attempt_at), error, micros(at), callback_id)
        await self._engine.write(
            lambda c: c.execute(
                "UPDATE callbacks SET status = ?, next_attempt_at = ?, last_error = ?, "
                "updated_at = ? WHERE id = ?",
                values,
            )
        )

    async def for_subject(self, subject_id: str) -> list[dict[str, Any]]:
        def run(c: sqlite3.Connection) -> list[tuple[Any, ...]]:
            return c.execute(
                "SELECT id, kind, status, attempts, last_error, payload, created_at, updated_at "
                "FROM callbacks WHERE subject_id = ? ORDER BY created_at",
                (subject_id,),
            ).fetchall()

        return [
            {
                "id": r[0],
                "kind": r[1],
                "status": r[2],
                "attempts": r[3],
                "last_error": r[4],
                "payload": json.loads(r[5]),
                "created_at": moment(r[6]),
                "updated_at": moment(r[7]),
            }
            for r in await self._engine.read(run)
        ]

    async def next_due_at(self) -> datetime | None:
        def run(c: sqlite3.Connection) -> Any:
            return c.execute(
                "SELECT MIN(next_attempt_at) FROM callbacks WHERE next_attempt_at IS NOT NULL"
            ).fetchone()[0]

        return moment(await self._engine.read(run))

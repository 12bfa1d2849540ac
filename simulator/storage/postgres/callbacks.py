"""Queued callbacks in PostgreSQL: add, claim what is due, record the outcome.

Claims use FOR UPDATE SKIP LOCKED: a replica passes over rows another replica is
claiming at that moment instead of waiting for them, so no two replicas ever take
the same callback, and neither blocks the other.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from simulator.domain.callbacks import CallbackRecord
from simulator.domain.ports import DueCallback
from simulator.storage.postgres.engine import PostgresEngine
from simulator.storage.postgres.transitions import insert_callback
from simulator.storage.rows import micros, moment

__all__ = ["PostgresCallbackStore"]

_CLAIM = (
    "WITH due AS ("
    " SELECT id, next_attempt_at FROM callbacks"
    " WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= $1"
    " ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) "
    "UPDATE callbacks c SET next_attempt_at = $2, attempts = c.attempts + 1 FROM due "
    "WHERE c.id = due.id "
    "RETURNING c.id, c.service_id, c.kind, c.subject_id, c.payload, c.attempts, "
    "due.next_attempt_at AS was_due"
)


class PostgresCallbackStore:
    def __init__(self, engine: PostgresEngine) -> None:
        self._engine = engine

    async def add(self, record: CallbackRecord) -> None:
        await self._engine.write(lambda c: insert_callback(c, record))

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[DueCallback]:
        """Due callbacks, each moved to `lease_until` so no other worker takes it meanwhile."""
        rows = await self._engine.write(
            lambda c: c.fetch(_CLAIM, micros(now), micros(lease_until), limit)
        )
        # RETURNING has no order of its own: oldest due first, as SQLite gives them
        rows = sorted(rows, key=lambda r: (r["was_due"], r["id"]))
        return [DueCallback(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5]) for r in rows]

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
                "UPDATE callbacks SET status = $1, next_attempt_at = $2, last_error = $3, "
                "updated_at = $4 WHERE id = $5",
                *values,
            )
        )

    async def for_subject(self, subject_id: str) -> list[dict[str, Any]]:
        rows = await self._engine.read(
            lambda c: c.fetch(
                "SELECT id, kind, status, attempts, last_error, payload, created_at, updated_at "
                "FROM callbacks WHERE subject_id = $1 ORDER BY created_at",
                subject_id,
            )
        )
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
            for r in rows
        ]

    async def next_due_at(self) -> datetime | None:
        value = await self._engine.read(
            lambda c: c.fetchval(
                "SELECT MIN(next_attempt_at) FROM callbacks WHERE next_attempt_at IS NOT NULL"
            )
        )
        return moment(value)

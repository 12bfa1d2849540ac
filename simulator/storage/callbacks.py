"""Queued callbacks: add, claim what is due, record the outcome (both backends).

A claim moves each due callback's next attempt to the end of a lease, so no other
worker takes it meanwhile. On PostgreSQL the claiming SELECT skips rows another replica
is claiming at that moment instead of waiting for them, so no two replicas ever take the
same callback and neither blocks the other; SQLite has one writer, so nothing races it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from simulator.domain.callbacks import CallbackRecord
from simulator.domain.ports import DueCallback
from simulator.storage.rows import micros, moment
from simulator.storage.sql import Database, Program, fetch
from simulator.storage.transitions import insert_callback

__all__ = ["CallbackQueries"]


def _claim(
    now: int | None, lease: int | None, limit: int, skip_locked: str
) -> Program[list[DueCallback]]:
    due = yield fetch(
        "SELECT id FROM callbacks WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= :now "
        f"ORDER BY next_attempt_at, id LIMIT :limit{skip_locked}",
        {"now": now, "limit": limit},
    )
    claimed: list[DueCallback] = []
    for (callback_id,) in due:
        rows = yield fetch(
            "UPDATE callbacks SET next_attempt_at = :lease, attempts = attempts + 1 "
            "WHERE id = :id RETURNING id, service_id, kind, subject_id, payload, attempts",
            {"lease": lease, "id": callback_id},
        )
        claimed += [DueCallback(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5]) for r in rows]
    return claimed


def _add(record: CallbackRecord) -> Program[None]:
    yield from insert_callback(record)


class CallbackQueries:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, record: CallbackRecord) -> None:
        await self._db.write(lambda: _add(record))

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[DueCallback]:
        """Due callbacks, oldest first, each moved to `lease_until`."""
        skip = self._db.dialect.skip_locked
        return await self._db.write(lambda: _claim(micros(now), micros(lease_until), limit, skip))

    async def finish(
        self,
        callback_id: str,
        *,
        status: str,
        next_attempt_at: datetime | None,
        error: str | None,
        at: datetime,
    ) -> None:
        await self._db.run(
            "UPDATE callbacks SET status = :status, next_attempt_at = :next, "
            "last_error = :error, updated_at = :at WHERE id = :id",
            {
                "status": status,
                "next": micros(next_attempt_at),
                "error": error,
                "at": micros(at),
                "id": callback_id,
            },
        )

    async def for_subject(self, subject_id: str) -> list[dict[str, Any]]:
        rows = await self._db.rows(
            "SELECT id, kind, status, attempts, last_error, payload, created_at, updated_at "
            "FROM callbacks WHERE subject_id = :subject_id ORDER BY created_at",
            {"subject_id": subject_id},
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
        value = await self._db.value(
            "SELECT MIN(next_attempt_at) FROM callbacks WHERE next_attempt_at IS NOT NULL", {}
        )
        return moment(value)

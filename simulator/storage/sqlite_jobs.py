"""GC bulk jobs in SQLite (part of SqliteStore): store, claim, progress, finish.

Every step is a compare-and-set or an idempotent write: a job's notifications have ids
derived from the job and the row, and are inserted with INSERT OR IGNORE in the same
transaction that moves ``processed_rows`` on, so a restart never creates one twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from simulator.domain.jobs import Job
from simulator.domain.models import Notification
from simulator.storage.job_rows import DUE_JOB_CONDITION, JOB_COLUMNS, job_from_row, job_values
from simulator.storage.rows import (
    NOTIFICATION_COLUMNS,
    NOTIFICATION_PLACEHOLDERS,
    micros,
    notification_values,
)
from simulator.storage.sqlite_engine import SqliteEngine

__all__ = ["SqliteJobQueries"]

_JOB_PLACEHOLDERS = ", ".join("?" * len(JOB_COLUMNS.split(",")))
_DUE = DUE_JOB_CONDITION.format(now=":now")


class SqliteJobQueries:
    engine: SqliteEngine

    async def add_job(self, job: Job) -> None:
        values = job_values(job)
        await self.engine.write(
            lambda c: c.execute(
                f"INSERT INTO jobs ({JOB_COLUMNS}) VALUES ({_JOB_PLACEHOLDERS})", values
            )
        )

    async def get_job(self, service_id: str, job_id: str) -> Job | None:
        def run(c: sqlite3.Connection) -> tuple[object, ...] | None:
            return c.execute(
                f"SELECT {JOB_COLUMNS} FROM jobs WHERE id = ? AND service_id = ?",
                (job_id, service_id),
            ).fetchone()

        row = await self.engine.read(run)
        return job_from_row(row) if row else None

    async def due_jobs(self, now: datetime, limit: int) -> list[Job]:
        def run(c: sqlite3.Connection) -> list[tuple[object, ...]]:
            return c.execute(
                f"SELECT {JOB_COLUMNS} FROM jobs WHERE {_DUE} ORDER BY created_at LIMIT :limit",
                {"now": micros(now), "limit": limit},
            ).fetchall()

        return [job_from_row(r) for r in await self.engine.read(run)]

    async def claim_job(self, job_id: str, now: datetime, lease_until: datetime) -> bool:
        """Mark a due job in progress for this processor; False if it is not due any more."""
        params = {"id": job_id, "now": micros(now), "lease": micros(lease_until)}
        sql = (
            "UPDATE jobs SET job_status = 'in progress', "
            "processing_started = COALESCE(processing_started, :now), updated_at = :now, "
            f"lease_until = :lease WHERE id = :id AND {_DUE}"
        )
        return bool(await self.engine.write(lambda c: c.execute(sql, params).rowcount))

    async def save_job_progress(
        self,
        job_id: str,
        notifications: Sequence[Notification],
        processed_rows: int,
        lease_until: datetime | None,
    ) -> None:
        """Store a batch of the job's notifications and move its progress on, together."""
        values = [notification_values(n) for n in notifications]
        progress = (processed_rows, micros(lease_until), job_id)

        def run(c: sqlite3.Connection) -> None:
            c.executemany(
                f"INSERT OR IGNORE INTO notifications ({NOTIFICATION_COLUMNS}) "
                f"VALUES ({NOTIFICATION_PLACEHOLDERS})",
                values,
            )
            c.execute(
                "UPDATE jobs SET processed_rows = MAX(processed_rows, ?), lease_until = ? "
                "WHERE id = ?",
                progress,
            )

        await self.engine.write(run)

    async def finish_job(self, job_id: str, at: datetime) -> None:
        params = (micros(at), micros(at), job_id)
        await self.engine.write(
            lambda c: c.execute(
                "UPDATE jobs SET job_status = 'finished', processing_finished = ?, "
                "updated_at = ?, lease_until = NULL, row_data = '[]' WHERE id = ?",
                params,
            )
        )

    async def release_job(self, job_id: str) -> None:
        """Give a job in progress back (a clean stop): the next processor resumes it at once."""
        await self.engine.write(
            lambda c: c.execute(
                "UPDATE jobs SET lease_until = NULL WHERE id = ? AND job_status = 'in progress'",
                (job_id,),
            )
        )

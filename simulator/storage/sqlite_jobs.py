"""GC bulk jobs in SQLite (part of SqliteStore): store, claim, progress, finish.

Every step is a compare-and-set or an idempotent write: a job's notifications have ids
derived from the job and the row, and are inserted with INSERT OR IGNORE in the same
transaction that moves ``processed_rows`` on, so a restart never creates one twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from simulator.domain.jobs import Job
from simulator.domain.models import Notification
from simulator.storage.job_rows import (
    DUE_JOB_CONDITION,
    JOB_COLUMNS,
    JOB_SUMMARY_COLUMNS,
    job_from_row,
    job_values,
)
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
        def run(c: sqlite3.Connection) -> Any:
            return c.execute(
                f"SELECT {JOB_COLUMNS} FROM jobs WHERE id = ? AND service_id = ?",
                (job_id, service_id),
            ).fetchone()

        row = await self.engine.read(run)
        return job_from_row(row) if row else None

    async def job_summary(self, service_id: str, job_id: str) -> Job | None:
        """The job without its accepted rows (GET /v2/notifications/bulk/{job_id})."""

        def run(c: sqlite3.Connection) -> Any:
            return c.execute(
                f"SELECT {JOB_SUMMARY_COLUMNS} FROM jobs WHERE id = ? AND service_id = ?",
                (job_id, service_id),
            ).fetchone()

        row = await self.engine.read(run)
        return job_from_row(row) if row else None

    async def list_jobs(self, service_id: str, older_than: str | None, limit: int) -> list[Job]:
        """Newest first; an unknown ``older_than`` gives an empty page, as Notify's lists do."""
        sql = f"SELECT {JOB_SUMMARY_COLUMNS} FROM jobs WHERE service_id = ?"
        params: list[object] = [service_id]
        if older_than is not None:
            sql += " AND created_at < COALESCE((SELECT created_at FROM jobs WHERE id = ?), -1)"
            params.append(older_than)
        sql += " ORDER BY created_at DESC, id DESC LIMIT ?"
        params.append(limit)

        def run(c: sqlite3.Connection) -> list[tuple[object, ...]]:
            return c.execute(sql, params).fetchall()

        return [job_from_row(r) for r in await self.engine.read(run)]

    async def job_statistics(self, job_ids: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
        """Per job, (status, count) of its notifications made so far; one query for a page."""
        if not job_ids:
            return {}
        marks = ", ".join("?" * len(job_ids))
        sql = (
            f"SELECT job_id, status, COUNT(*) FROM notifications WHERE job_id IN ({marks}) "
            "GROUP BY job_id, status ORDER BY job_id, status"
        )

        def run(c: sqlite3.Connection) -> list[tuple[str, str, int]]:
            return c.execute(sql, tuple(job_ids)).fetchall()

        found: dict[str, list[tuple[str, int]]] = {job_id: [] for job_id in job_ids}
        for job_id, status, count in await self.engine.read(run):
            found[str(job_id)].append((str(status), int(count)))
        return found

    async def cancel_job(self, service_id: str, job_id: str, at: datetime) -> bool:
        """Scheduled -> cancelled, a compare-and-set against the runner's claim."""
        params = (micros(at), job_id, service_id)
        sql = (
            "UPDATE jobs SET job_status = 'cancelled', updated_at = ?, row_data = '[]' "
            "WHERE id = ? AND service_id = ? AND job_status = 'scheduled'"
        )
        return bool(await self.engine.write(lambda c: c.execute(sql, params).rowcount))

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

"""GC bulk jobs in PostgreSQL (part of PostgresStore), as in SQLite (storage/sqlite_jobs.py).

Replicas may race for the same job: the claim is a compare-and-set, and a batch's
notifications are inserted with ON CONFLICT DO NOTHING, so none is created twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from simulator.domain.jobs import Job
from simulator.domain.models import Notification
from simulator.storage.job_rows import (
    DUE_JOB_CONDITION,
    JOB_COLUMNS,
    JOB_SUMMARY_COLUMNS,
    job_from_row,
    job_values,
)
from simulator.storage.postgres.connection import PgConnection
from simulator.storage.postgres.engine import PostgresEngine, affected
from simulator.storage.postgres.sql import NOTIFICATION_PLACEHOLDERS, placeholders
from simulator.storage.rows import NOTIFICATION_COLUMNS, micros, notification_values

__all__ = ["JobQueries"]

_JOB_PLACEHOLDERS = placeholders(len(JOB_COLUMNS.split(",")))


class JobQueries:
    engine: PostgresEngine

    async def add_job(self, job: Job) -> None:
        values = job_values(job)
        await self.engine.write(
            lambda c: c.execute(
                f"INSERT INTO jobs ({JOB_COLUMNS}) VALUES ({_JOB_PLACEHOLDERS})", *values
            )
        )

    async def get_job(self, service_id: str, job_id: str) -> Job | None:
        row = await self.engine.read(
            lambda c: c.fetchrow(
                f"SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1 AND service_id = $2",
                job_id,
                service_id,
            )
        )
        return job_from_row(row) if row else None

    async def job_summary(self, service_id: str, job_id: str) -> Job | None:
        """The job without its accepted rows (GET /v2/notifications/bulk/{job_id})."""
        row = await self.engine.read(
            lambda c: c.fetchrow(
                f"SELECT {JOB_SUMMARY_COLUMNS} FROM jobs WHERE id = $1 AND service_id = $2",
                job_id,
                service_id,
            )
        )
        return job_from_row(row) if row else None

    async def list_jobs(self, service_id: str, older_than: str | None, limit: int) -> list[Job]:
        """Newest first; an unknown ``older_than`` gives an empty page, as Notify's lists do."""
        sql = f"SELECT {JOB_SUMMARY_COLUMNS} FROM jobs WHERE service_id = $1"
        params: list[object] = [service_id]
        if older_than is not None:
            sql += " AND created_at < COALESCE((SELECT created_at FROM jobs WHERE id = $2), -1)"
            params.append(older_than)
        sql += f" ORDER BY created_at DESC, id DESC LIMIT ${len(params) + 1}"
        params.append(limit)
        rows = await self.engine.read(lambda c: c.fetch(sql, *params))
        return [job_from_row(r) for r in rows]

    async def job_statistics(self, job_ids: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
        """Per job, (status, count) of its notifications made so far; one query for a page."""
        if not job_ids:
            return {}
        rows = await self.engine.read(
            lambda c: c.fetch(
                "SELECT job_id, status, COUNT(*) FROM notifications WHERE job_id = ANY($1) "
                "GROUP BY job_id, status ORDER BY job_id, status",
                list(job_ids),
            )
        )
        found: dict[str, list[tuple[str, int]]] = {job_id: [] for job_id in job_ids}
        for r in rows:
            found[str(r[0])].append((str(r[1]), int(r[2])))
        return found

    async def cancel_job(self, service_id: str, job_id: str, at: datetime) -> bool:
        """Scheduled -> cancelled, a compare-and-set against the runner's claim."""
        sql = (
            "UPDATE jobs SET job_status = 'cancelled', updated_at = $1, row_data = '[]' "
            "WHERE id = $2 AND service_id = $3 AND job_status = 'scheduled'"
        )
        status = await self.engine.write(lambda c: c.execute(sql, micros(at), job_id, service_id))
        return affected(status) == 1

    async def due_jobs(self, now: datetime, limit: int) -> list[Job]:
        due = DUE_JOB_CONDITION.format(now="$1")
        rows = await self.engine.read(
            lambda c: c.fetch(
                f"SELECT {JOB_COLUMNS} FROM jobs WHERE {due} ORDER BY created_at LIMIT $2",
                micros(now),
                limit,
            )
        )
        return [job_from_row(r) for r in rows]

    async def claim_job(self, job_id: str, now: datetime, lease_until: datetime) -> bool:
        """Mark a due job in progress for this processor; False if it is not due any more."""
        due = DUE_JOB_CONDITION.format(now="$2")
        sql = (
            "UPDATE jobs SET job_status = 'in progress', "
            "processing_started = COALESCE(processing_started, $2), updated_at = $2, "
            f"lease_until = $3 WHERE id = $1 AND {due}"
        )
        status = await self.engine.write(
            lambda c: c.execute(sql, job_id, micros(now), micros(lease_until))
        )
        return affected(status) == 1

    async def save_job_progress(
        self,
        job_id: str,
        notifications: Sequence[Notification],
        processed_rows: int,
        lease_until: datetime | None,
    ) -> None:
        """Store a batch of the job's notifications and move its progress on, together."""
        values = [notification_values(n) for n in notifications]

        async def run(c: PgConnection) -> None:
            await c.executemany(
                f"INSERT INTO notifications ({NOTIFICATION_COLUMNS}) "
                f"VALUES ({NOTIFICATION_PLACEHOLDERS}) ON CONFLICT (id) DO NOTHING",
                values,
            )
            await c.execute(
                "UPDATE jobs SET processed_rows = GREATEST(processed_rows, $1), "
                "lease_until = $2 WHERE id = $3",
                processed_rows,
                micros(lease_until),
                job_id,
            )

        await self.engine.write(run)

    async def finish_job(self, job_id: str, at: datetime) -> None:
        await self.engine.write(
            lambda c: c.execute(
                "UPDATE jobs SET job_status = 'finished', processing_finished = $1, "
                "updated_at = $1, lease_until = NULL, row_data = '[]' WHERE id = $2",
                micros(at),
                job_id,
            )
        )

    async def release_job(self, job_id: str) -> None:
        """Give a job in progress back (a clean stop): the next processor resumes it at once."""
        await self.engine.write(
            lambda c: c.execute(
                "UPDATE jobs SET lease_until = NULL WHERE id = $1 AND job_status = 'in progress'",
                job_id,
            )
        )

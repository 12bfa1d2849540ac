"""GC bulk jobs: store, claim, progress, finish, read back, cancel (both backends).

Every step is a compare-and-set or an idempotent write: a job's notifications have ids
derived from the job and the row, and are inserted with ON CONFLICT DO NOTHING in the
same transaction that moves ``processed_rows`` on, so neither a restart nor two replicas
racing for one job ever create one twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from simulator.domain.clock import Clock
from simulator.domain.jobs import Job
from simulator.domain.models import Notification
from simulator.storage.job_rows import (
    DUE_JOB_CONDITION,
    JOB_COLUMNS,
    JOB_SUMMARY_COLUMNS,
    job_from_row,
    job_values,
)
from simulator.storage.rows import NOTIFICATION_COLUMNS, by_name, micros, notification_values
from simulator.storage.sql import Database, Program, execute, execute_many, named
from simulator.storage.timelines import visible_status

__all__ = ["JobQueries"]

_DUE = DUE_JOB_CONDITION.format(now=":now")
_INSERT_NOTIFICATIONS = (
    f"INSERT INTO notifications ({NOTIFICATION_COLUMNS}) VALUES ({named(NOTIFICATION_COLUMNS)}) "
    "ON CONFLICT (id) DO NOTHING"
)


def _progress(
    notifications: list[dict[str, object]], progress: Mapping[str, object], greatest: str
) -> Program[None]:
    if notifications:
        yield execute_many(_INSERT_NOTIFICATIONS, notifications)
    yield execute(
        f"UPDATE jobs SET processed_rows = {greatest}(processed_rows, :processed), "
        "lease_until = :lease WHERE id = :id",
        progress,
    )


class JobQueries:
    _db: Database
    _clock: Clock

    async def add_job(self, job: Job) -> None:
        await self._db.run(
            f"INSERT INTO jobs ({JOB_COLUMNS}) VALUES ({named(JOB_COLUMNS)})",
            by_name(JOB_COLUMNS, job_values(job)),
        )

    async def get_job(self, service_id: str, job_id: str) -> Job | None:
        row = await self._db.row(
            f"SELECT {JOB_COLUMNS} FROM jobs WHERE id = :id AND service_id = :service_id",
            {"id": job_id, "service_id": service_id},
        )
        return job_from_row(row) if row else None

    async def job_summary(self, service_id: str, job_id: str) -> Job | None:
        """The job without its accepted rows (GET /v2/notifications/bulk/{job_id})."""
        row = await self._db.row(
            f"SELECT {JOB_SUMMARY_COLUMNS} FROM jobs WHERE id = :id AND service_id = :service_id",
            {"id": job_id, "service_id": service_id},
        )
        return job_from_row(row) if row else None

    async def list_jobs(self, service_id: str, older_than: str | None, limit: int) -> list[Job]:
        """Newest first; an unknown ``older_than`` gives an empty page, as Notify's lists do."""
        sql = f"SELECT {JOB_SUMMARY_COLUMNS} FROM jobs WHERE service_id = :service_id"
        params: dict[str, object] = {"service_id": service_id, "limit": limit}
        if older_than is not None:
            sql += (
                " AND created_at < "
                "COALESCE((SELECT created_at FROM jobs WHERE id = :older_than), -1)"
            )
            params["older_than"] = older_than
        rows = await self._db.rows(sql + " ORDER BY created_at DESC, id DESC LIMIT :limit", params)
        return [job_from_row(r) for r in rows]

    async def job_statistics(self, job_ids: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
        """Per job, (status, count) of its notifications made so far; one query for a page."""
        if not job_ids:
            return {}
        d = self._db.dialect
        rows = await self._db.rows(
            f"SELECT job_id, {visible_status()} AS seen, COUNT(*) FROM notifications "
            f"WHERE {d.member('job_id', 'ids')} "
            "GROUP BY job_id, seen ORDER BY job_id, seen",
            {"ids": d.values(job_ids), "now": micros(self._clock.now())},
        )
        found: dict[str, list[tuple[str, int]]] = {job_id: [] for job_id in job_ids}
        for job_id, status, count in rows:
            found[str(job_id)].append((str(status), int(count)))
        return found

    async def cancel_job(self, service_id: str, job_id: str, at: datetime) -> bool:
        """Scheduled -> cancelled, a compare-and-set against the runner's claim."""
        changed = await self._db.run(
            "UPDATE jobs SET job_status = 'cancelled', updated_at = :at, row_data = '[]' "
            "WHERE id = :id AND service_id = :service_id AND job_status = 'scheduled'",
            {"at": micros(at), "id": job_id, "service_id": service_id},
        )
        return changed == 1

    async def due_jobs(self, now: datetime, limit: int) -> list[Job]:
        rows = await self._db.rows(
            f"SELECT {JOB_COLUMNS} FROM jobs WHERE {_DUE} ORDER BY created_at LIMIT :limit",
            {"now": micros(now), "limit": limit},
        )
        return [job_from_row(r) for r in rows]

    async def claim_job(self, job_id: str, now: datetime, lease_until: datetime) -> bool:
        """Mark a due job in progress for this processor; False if it is not due any more."""
        changed = await self._db.run(
            "UPDATE jobs SET job_status = 'in progress', "
            "processing_started = COALESCE(processing_started, :now), updated_at = :now, "
            f"lease_until = :lease WHERE id = :id AND {_DUE}",
            {"id": job_id, "now": micros(now), "lease": micros(lease_until)},
        )
        return changed == 1

    async def save_job_progress(
        self,
        job_id: str,
        notifications: Sequence[Notification],
        processed_rows: int,
        lease_until: datetime | None,
    ) -> None:
        """Store a batch of the job's notifications and move its progress on, together."""
        rows = [by_name(NOTIFICATION_COLUMNS, notification_values(n)) for n in notifications]
        progress = {"processed": processed_rows, "lease": micros(lease_until), "id": job_id}
        greatest = self._db.dialect.greatest
        await self._db.write(lambda: _progress(rows, progress, greatest))

    async def finish_job(self, job_id: str, at: datetime) -> None:
        await self._db.run(
            "UPDATE jobs SET job_status = 'finished', processing_finished = :at, "
            "updated_at = :at, lease_until = NULL, row_data = '[]' WHERE id = :id",
            {"at": micros(at), "id": job_id},
        )

    async def release_job(self, job_id: str) -> None:
        """Give a job in progress back (a clean stop): the next processor resumes it at once."""
        await self._db.run(
            "UPDATE jobs SET lease_until = NULL WHERE id = :id AND job_status = 'in progress'",
            {"id": job_id},
        )

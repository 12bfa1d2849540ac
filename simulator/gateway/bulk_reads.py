"""Reading GC bulk jobs back and cancelling a scheduled one (GET/DELETE /v2/notifications/bulk).

GC's admin API has the same reads (cds-snc/notification-api app/job/rest.py
``get_job_by_service_and_job_id``: the job plus ``statistics``, a count per status of
its notifications, and ``Job not found in database``). Cancelling is a compare-and-set
from ``scheduled`` to ``cancelled``, so it can never race the job runner's claim: a job
cancelled is a job whose notifications are never made. As GC's cancel
(``decrement_todays_email_count``), an email job gives back the places it took today;
GC takes that from the email count even for a text-message job, which the sandbox does
not copy (a text job's places stay taken, as GC's SMS count does).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from simulator.domain.clock import Clock
from simulator.domain.errors import NotifyError, RouteError
from simulator.domain.jobs import BulkTexts, Job, JobStatus
from simulator.domain.models import KeyType, NotificationType
from simulator.gateway.allowances import Allowances
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.principal import Principal

__all__ = ["BulkReads", "JobReadStore", "JobWithStatistics"]


class JobReadStore(Protocol):
    async def job_summary(self, service_id: str, job_id: str) -> Job | None: ...
    async def list_jobs(self, service_id: str, older_than: str | None, limit: int) -> list[Job]: ...
    async def job_statistics(self, job_ids: Sequence[str]) -> dict[str, list[tuple[str, int]]]: ...
    async def cancel_job(self, service_id: str, job_id: str, at: datetime) -> bool: ...


@dataclass(frozen=True, slots=True)
class JobWithStatistics:
    job: Job
    statistics: list[tuple[str, int]]  # (status, count), as GC's outcomes query
    key_name: str | None  # the name of the key that sent the job


class BulkReads:
    def __init__(
        self,
        *,
        store: JobReadStore,
        directory: ServiceDirectory,
        texts: BulkTexts,
        clock: Clock,
        page_size: int,
        allowances: Allowances,
    ) -> None:
        self._allowances = allowances
        self._store = store
        self._directory = directory
        self._texts = texts
        self._clock = clock
        self.page_size = page_size

    async def jobs(self, principal: Principal, older_than: str | None) -> list[JobWithStatistics]:
        jobs = await self._store.list_jobs(principal.service.id, older_than, self.page_size)
        statistics = await self._store.job_statistics([job.id for job in jobs])
        names = await self._key_names(principal)
        return [JobWithStatistics(j, statistics[j.id], names.get(j.api_key_id)) for j in jobs]

    async def job(self, principal: Principal, job_id: str) -> JobWithStatistics:
        job = await self._store.job_summary(principal.service.id, job_id)
        if job is None:  # GC's bare body, as its notification reads
            raise RouteError(404, self._texts.job_not_found)
        statistics = await self._store.job_statistics([job.id])
        names = await self._key_names(principal)
        return JobWithStatistics(job, statistics[job.id], names.get(job.api_key_id))

    async def _key_names(self, principal: Principal) -> dict[str, str]:
        entry = await self._directory.entry(principal.service.id)
        return {key.id: key.name for key in entry.keys} if entry else {}

    async def cancel(self, principal: Principal, job_id: str) -> JobWithStatistics:
        if await self._store.cancel_job(principal.service.id, job_id, self._clock.now()):
            cancelled = await self.job(principal, job_id)
            job = cancelled.job
            if job.template_type is NotificationType.EMAIL and job.key_type is not KeyType.TEST:
                await self._allowances.give_back(
                    principal.service, job.template_type.value, job.notification_count
                )
            return cancelled
        # not scheduled (or the runner claimed it a moment ago): say what it is now
        status = (await self.job(principal, job_id)).job.job_status
        if status is JobStatus.CANCELLED:
            raise NotifyError(
                self._texts.already_cancelled, status_code=409, error="JobAlreadyCancelledError"
            )
        raise NotifyError(
            self._texts.cancel_not_allowed.format(status=status.value),
            status_code=409,
            error="JobCancellationNotAllowedError",
        )

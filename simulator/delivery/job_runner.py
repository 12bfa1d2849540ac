"""The job runner: makes a bulk job's notifications in the background, batch by batch.

All its state is in the store (the job's status, ``processed_rows`` and lease), so a
restart, or another replica, carries on where it stopped. Each batch's notifications
and the job's progress are written in one transaction, and a notification's id comes
from the job and the row, so a batch made twice stores nothing twice. A scheduled job
is due once the sandbox clock reaches its ``scheduled_for``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import timedelta

import structlog

from simulator.delivery.polling import PollingLoop
from simulator.domain.clock import Clock
from simulator.domain.jobs import Job
from simulator.domain.models import Notification
from simulator.domain.ports import JobStore
from simulator.gateway.job_notifications import JobNotifications

__all__ = ["JobRunner"]

log = structlog.get_logger("simulator.jobs")


class JobRunner:
    def __init__(
        self,
        *,
        store: JobStore,
        notifications: JobNotifications,
        clock: Clock,
        on_created: Callable[[Sequence[Notification]], None],
        poll_seconds: float = 0.5,
        batch_size: int = 500,
        lease_seconds: float = 10.0,
    ) -> None:
        self._store = store
        self._notifications = notifications
        self._clock = clock
        self._on_created = on_created
        self._batch = batch_size
        self._lease = timedelta(seconds=lease_seconds)
        self._loop = PollingLoop("job-runner", self.run_once, poll_seconds=poll_seconds)
        self._current: str | None = None
        self.created = 0  # notifications made since start

    def notify(self) -> None:
        """A job was added, or the clock moved: look now rather than at the next poll."""
        self._loop.wake()

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()
        if self._current is not None:  # a clean stop: the next start resumes it at once
            await self._store.release_job(self._current)
            self._current = None

    async def run_once(self) -> bool:
        """Process every job due now; True when one was processed (more may be due)."""
        now = self._clock.now()
        worked = False
        for job in await self._store.due_jobs(now, 10):
            if await self._store.claim_job(job.id, now, now + self._lease):
                await self._process(job)
                worked = True
        return worked

    async def _process(self, job: Job) -> None:
        self._current = job.id
        sources = await self._notifications.sources(job)
        if sources is None:
            log.warning("job_sources_gone", job_id=job.id)
        else:
            service, template = sources
            for start in range(job.processed_rows, len(job.rows), self._batch):
                rows = job.rows[start : start + self._batch]
                made = await self._notifications.build(job, service, template, rows)
                lease = self._clock.now() + self._lease
                await self._store.save_job_progress(job.id, made, start + len(rows), lease)
                self.created += len(made)
                if made:
                    self._on_created(made)
                await asyncio.sleep(0)  # requests go on being answered meanwhile
        await self._store.finish_job(job.id, self._clock.now())
        self._current = None
        log.info("job_finished", job_id=job.id, rows=len(job.rows))

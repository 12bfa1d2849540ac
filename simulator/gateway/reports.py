"""GC's reports through the API: request, list, read, download (/v2/reports).

A report is requested (202, ``requested``) and generated, as GC's ``generate_report`` task
does, from the service's notifications of the last 7 days of the report's type (every key
type, as GC's query), or a bulk job's; it is then ``ready`` and expires 3 days later, after
which its content is gone (GC's S3 object). The sandbox generates a report when it is
first read (GET by id or the list) after the request, so nothing runs in the background and a
restart strands none; its content before that is GC's 409, not ready.
The limit of 10 requests an hour per service is GC's sliding window, read from the
stored requests (so replicas share it).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Protocol

from simulator.domain.clock import Clock
from simulator.domain.errors import BadRequestError, NotifyError, ValidationError
from simulator.domain.jobs import Job
from simulator.domain.models import Notification
from simulator.domain.ports import ListQuery, ReportStore
from simulator.domain.reports import (
    Report,
    ReportRow,
    ReportRules,
    ReportSchema,
    ReportStatus,
    report_csv,
)
from simulator.domain.status_texts import status_description
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.job_notifications import job_row_numbers
from simulator.gateway.principal import Principal

__all__ = ["ReportService", "ReportSource"]

_EVERYTHING = 10_000_000  # a report covers every notification of its window


class ReportSource(ReportStore, Protocol):
    """The report port, plus the two reads a report's CSV is built from."""

    async def list_notifications(self, query: ListQuery) -> list[Notification]: ...
    async def job_summary(self, service_id: str, job_id: str) -> Job | None: ...


class ReportService:
    def __init__(
        self,
        *,
        rules: ReportRules,
        store: ReportSource,
        directory: ServiceDirectory,
        clock: Clock,
        descriptions: Mapping[str, Mapping[str, str]],
        not_found: Callable[[], NotifyError],
        page_size: int,
    ) -> None:
        self.rules = rules
        self._texts = rules.texts
        self._schema = ReportSchema()
        self._store = store
        self._directory = directory
        self._clock = clock
        self._descriptions = descriptions
        self._not_found = not_found
        self.page_size = page_size

    async def request(self, principal: Principal, body: object) -> Report:
        """A new report, ``requested``; call :meth:`check_rate` first, before the body is read."""
        errors = self._schema.validate_post(body)
        if errors:
            raise ValidationError(errors)
        assert isinstance(body, dict)
        now = self._clock.now()
        report = Report(
            id=str(uuid.uuid4()),
            service_id=principal.service.id,
            report_type=body["report_type"],
            language=body["language"],
            status=ReportStatus.REQUESTED,
            requested_at=now,
            completed_at=now,  # GC's column default, set at the request
            api_key_id=principal.key.id,
            job_id=body.get("job_id"),
        )
        await self._store.add_report(report)
        return report

    async def delete(self, service_id: str | None) -> int:
        """The sandbox's reset (DELETE /sandbox/v1/messages): a service's reports go with
        its messages, and with them its count of requests this hour."""
        return await self._store.delete_reports(service_id)

    async def reports(self, principal: Principal, older_than: str | None) -> list[Report]:
        found = await self._store.list_reports(principal.service.id, older_than, self.page_size)
        return [await self._generated(r) for r in found]

    async def report(self, principal: Principal, report_id: str) -> Report:
        found = await self._store.get_report(principal.service.id, report_id)
        if found is None:
            raise self._not_found()
        return await self._generated(found)

    async def content(self, principal: Principal, report_id: str) -> str:
        """The CSV of a ready report; one not yet read since its request is not ready."""
        report = await self._store.get_report(principal.service.id, report_id)
        if report is None:
            raise self._not_found()
        if report.status is not ReportStatus.READY:
            text = self._texts.not_ready.format(status=report.status.value)
            raise BadRequestError(text, status_code=409)
        stored = await self._store.get_report(report.service_id, report.id, with_content=True)
        expired = report.expires_at is not None and report.expires_at <= self._clock.now()
        if stored is None or stored.content is None or expired:
            raise NotifyError(
                self._texts.download_failed, status_code=502, error="S3ReportDownloadError"
            )
        return stored.content

    async def generate(self, report: Report) -> Report:
        """Make the CSV and mark the report ready; a no-op when another process did."""
        rows = await self._rows(report)
        finished = replace(
            report,
            status=ReportStatus.READY,
            expires_at=self._clock.now() + timedelta(days=self.rules.days_kept),
            content=report_csv(rows, language=report.language, for_job=report.job_id is not None),
        )
        if await self._store.finish_report(finished):
            return replace(finished, content=None)
        latest = await self._store.get_report(report.service_id, report.id)
        return latest or report

    async def _generated(self, report: Report) -> Report:
        if report.status is ReportStatus.REQUESTED:
            return await self.generate(report)
        return report

    async def check_rate(self, principal: Principal) -> None:
        """GC's 10 requests an hour per service, checked before the body is read."""
        service_id = principal.service.id
        rules, now = self.rules, self._clock.now()
        window = timedelta(hours=1)
        recent = await self._store.report_requests_since(service_id, now - window)
        if len(recent) < rules.per_hour:
            return
        wait = max(1.0, (recent[-rules.per_hour] + window - now).total_seconds())
        reset = math.ceil(now.timestamp() + wait)
        raise NotifyError(
            self._texts.rate_limited.format(limit=rules.per_hour),
            status_code=429,
            error="RateLimitExceeded",
            status_in_body=False,
            headers={
                "Retry-After": str(math.ceil(wait)),
                "X-RateLimit-Limit": str(rules.per_hour),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(reset),
            },
        )

    async def _rows(self, report: Report) -> Sequence[ReportRow]:
        since = self._clock.now() - timedelta(days=self.rules.days_covered)
        job = None
        if report.job_id is not None:
            job = await self._store.job_summary(report.service_id, report.job_id)
        types = [report.report_type] if job is None and report.report_type != "job" else []
        found = await self._store.list_notifications(
            ListQuery(
                service_id=report.service_id,
                key_type=None,
                template_types=types,
                not_before=since,
                limit=_EVERYTHING,
                include_jobs=True,
            )
        )
        if report.report_type == "job":
            found = [n for n in found if job is not None and n.job_id == job.id]
            found.reverse()  # a job's rows in the order they were made, as GC's
        entry = await self._directory.entry(report.service_id)
        names = {t.id: t.name for t in entry.templates.values()} if entry else {}
        rows = job_row_numbers(job) if job is not None else {}
        jobs = {job.id: job.original_file_name} if job is not None else {}
        for job_id in {n.job_id for n in found if n.job_id and n.job_id not in jobs}:
            other = await self._store.job_summary(report.service_id, job_id)
            jobs[job_id] = other.original_file_name if other else ""
        return [
            ReportRow(
                recipient=n.to,
                template=names.get(n.template_id, ""),
                notification_type=n.type.value,
                status=status_description(n, self._descriptions),
                created_at=n.created_at,
                job_name=jobs.get(n.job_id, "") if n.job_id else "",
                row_number=rows.get(n.id),
            )
            for n in found
        ]

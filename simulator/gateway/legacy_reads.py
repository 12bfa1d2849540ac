"""GC's v1 reads, ``GET /notifications`` and ``GET /notifications/<uuid>``
(cds-snc/notification-api ``app/notifications/rest.py``, ``app/dao/notifications_dao.py``).

One notification of the service, whatever key sent it; or a numbered page of those sent
with the caller's key type (``page``, ``page_size``, ``limit_days``, ``template_type``,
``status``, ``include_jobs``), newest first, with the ``total``. Each comes with the
template version it was sent with and its job, as GC's marshmallow schema dumps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Protocol

from simulator.domain.clock import Clock
from simulator.domain.errors import RouteError
from simulator.domain.jobs import Job
from simulator.domain.legacy_v1 import LegacyListQuery, LegacyRules
from simulator.domain.messages import Messages
from simulator.domain.models import Notification, Template
from simulator.domain.ports import ListQuery
from simulator.gateway.auth import Principal
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.job_notifications import job_row_numbers
from simulator.gateway.reads import ReadService, expand_statuses

__all__ = ["LegacyPage", "LegacyReads", "LegacyView"]

_MAX_DAYS = 100_000  # limit_days beyond this reach past any stored row (and datetime's range)
_MAX_ROWS = 2**62  # offsets and page sizes past this find nothing (SQL integers end at 2**63)


class LegacyStore(Protocol):
    async def list_notifications(self, query: ListQuery) -> list[Notification]: ...
    async def count_notifications(self, query: ListQuery) -> int: ...
    async def job_summary(self, service_id: str, job_id: str) -> Job | None: ...


@dataclass(frozen=True, slots=True)
class LegacyView:
    notification: Notification
    template: Template | None  # the version it was sent with
    job: Job | None
    job_row_number: int | None


@dataclass(frozen=True, slots=True)
class LegacyPage:
    views: list[LegacyView]
    page: int
    page_size: int
    total: int


class LegacyReads:
    def __init__(
        self,
        *,
        reads: ReadService,
        store: LegacyStore,
        directory: ServiceDirectory,
        clock: Clock,
        messages: Messages,
        rules: LegacyRules,
    ) -> None:
        self._reads = reads
        self._store = store
        self._directory = directory
        self._clock = clock
        self._texts = messages
        self.rules = rules

    async def notification(self, principal: Principal, notification_id: str) -> LegacyView:
        found = await self._reads.notification(principal, notification_id)
        return (await self._views(principal, [found]))[0]

    async def page(self, principal: Principal, query: LegacyListQuery) -> LegacyPage:
        page_size = query.page_size or self.rules.page_size
        offset = (query.page - 1) * page_size
        floor = self._reads.retention_floor(principal)
        if query.limit_days is not None and abs(query.limit_days) < _MAX_DAYS:
            # created_at > combine(now - limit_days, time.max), as GC's DAO compares
            day = (self._clock.now() - timedelta(days=query.limit_days)).date()
            floor = max(floor, datetime.combine(day, time.max, UTC) + timedelta(microseconds=1))
        elif query.limit_days is not None and query.limit_days < 0:
            floor = datetime.max.replace(tzinfo=UTC)
        list_query = ListQuery(
            service_id=principal.service.id,
            key_type=principal.key.key_type,
            template_types=query.template_types,
            statuses=expand_statuses(query.statuses),
            not_before=floor,
            limit=min(page_size, _MAX_ROWS),
            include_jobs=query.include_jobs,
            offset=offset,
        )
        found = await self._store.list_notifications(list_query) if offset < _MAX_ROWS else []
        if not found and query.page != 1:  # Flask-SQLAlchemy's paginate: abort(404)
            raise RouteError(404, self._texts.route_not_found)
        if query.page == 1 and len(found) < page_size:
            total = len(found)
        else:
            total = await self._store.count_notifications(list_query)
        return LegacyPage(await self._views(principal, found), query.page, page_size, total)

    async def _views(
        self, principal: Principal, notifications: list[Notification]
    ) -> list[LegacyView]:
        service_id = principal.service.id
        templates: dict[tuple[str, int], Template | None] = {}
        jobs: dict[str, Job | None] = {}
        rows: dict[str, dict[str, int]] = {}
        views = []
        for n in notifications:
            key = (n.template_id, n.template_version)
            if key not in templates:
                templates[key] = await self._directory.template_version(service_id, *key)
            job = None
            if n.job_id is not None:
                if n.job_id not in jobs:
                    jobs[n.job_id] = await self._store.job_summary(service_id, n.job_id)
                job = jobs[n.job_id]
                if job is not None and job.id not in rows:
                    rows[job.id] = job_row_numbers(job)
            row = rows[job.id].get(n.id) if job is not None else None
            views.append(LegacyView(n, templates[key], job, row))
        return views

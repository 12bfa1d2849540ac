"""Read use cases: one notification, the list, templates, received texts."""

from __future__ import annotations

from datetime import datetime, timedelta

from simulator.domain.admin_ranges import in_range
from simulator.domain.clock import Clock
from simulator.domain.errors import NotifyError, RouteError
from simulator.domain.messages import Messages
from simulator.domain.models import Notification, ReceivedText, Status, Template
from simulator.domain.ports import ListQuery, NotificationStore
from simulator.gateway.auth import Principal
from simulator.gateway.directory import ServiceDirectory

__all__ = ["ReadService", "expand_statuses"]

_FAILED = (
    Status.TECHNICAL_FAILURE,
    Status.TEMPORARY_FAILURE,
    Status.PERMANENT_FAILURE,
    Status.VALIDATION_FAILED,
    Status.VIRUS_SCAN_FAILED,
    Status.RETURNED_LETTER,
    Status.PROVIDER_FAILURE,  # GC only
    Status.PII_CHECK_FAILED,
)
_ALIASES: dict[str, tuple[Status, ...]] = {
    "failed": _FAILED,
    "accepted": (Status.CREATED, Status.SENDING),
    "received": (Status.DELIVERED,),
}
_ALL_CURRENT = frozenset(s for s in Status if s is not Status.FAILED)
_KNOWN = frozenset(s.value for s in Status)


def expand_statuses(requested: list[str], every: frozenset[Status] = _ALL_CURRENT) -> list[str]:
    """Notify's aliases; asking for every status means no filter at all.

    A name that is no status (GC's "accepted, received") filters on itself: nothing matches.
    """
    expanded: set[Status] = set()
    unknown: set[str] = set()
    for name in requested:
        if name in _ALIASES:
            expanded.update(_ALIASES[name])
        elif name in _KNOWN:
            expanded.add(Status(name))
        else:
            unknown.add(name)
    if expanded >= every:
        return []
    return sorted({s.value for s in expanded} | unknown)


class ReadService:
    def __init__(
        self,
        *,
        store: NotificationStore,
        directory: ServiceDirectory,
        clock: Clock,
        messages: Messages,
        page_size: int,
    ) -> None:
        self._store = store
        self._directory = directory
        self._clock = clock
        self._texts = messages
        self.page_size = page_size

    def not_found(self) -> NotifyError:
        """Notify's 404 for a resource that is not the service's (NoResultFound)."""
        return self._not_found()

    def _not_found(self) -> NotifyError:
        return self._texts.no_result_error()

    def retention_floor(self, principal: Principal) -> datetime:
        return self._clock.now() - timedelta(days=principal.service.data_retention_days)

    async def notification(self, principal: Principal, notification_id: str) -> Notification:
        found = await self._store.get_notification(
            principal.service.id, notification_id, self.retention_floor(principal)
        )
        if found is None:
            if self._texts.notification_not_found:  # GC: a bare body, not the v2 envelope
                raise RouteError(404, self._texts.notification_not_found)
            raise self._not_found()
        return found

    async def notifications(
        self,
        principal: Principal,
        *,
        template_types: list[str],
        statuses: list[str],
        reference: str | None,
        older_than: str | None,
        include_jobs: bool = False,
    ) -> list[Notification]:
        query = ListQuery(
            service_id=principal.service.id,
            key_type=principal.key.key_type,
            template_types=template_types,
            statuses=expand_statuses(statuses),
            reference=reference,
            older_than=older_than,
            not_before=self.retention_floor(principal),
            limit=self.page_size,
            include_jobs=include_jobs,
        )
        return await self._store.list_notifications(query)

    async def template(
        self, principal: Principal, template_id: str, version: int | None = None
    ) -> Template:
        found = await self._directory_store_template(principal, template_id, version)
        if found is None:
            raise self._not_found()
        return found

    async def _directory_store_template(
        self, principal: Principal, template_id: str, version: int | None
    ) -> Template | None:
        entry = await self._directory.entry(principal.service.id)
        if entry is None:
            return None
        latest = entry.templates.get(template_id)
        if version is None or (latest is not None and latest.version == version):
            return latest
        if not in_range("template_version", version):
            return None  # no stored version is that large, and SQLite could not hold it
        return await self._directory.template_version(principal.service.id, template_id, version)

    async def templates(self, principal: Principal, template_type: str | None) -> list[Template]:
        entry = await self._directory.entry(principal.service.id)
        found = [
            t
            for t in (entry.templates.values() if entry else ())
            if not t.archived
            and not t.hidden
            and (template_type is None or t.type.value == template_type)
        ]
        return sorted(found, key=lambda t: (t.name, t.type.value))

    async def received_texts(
        self, principal: Principal, older_than: str | None
    ) -> list[ReceivedText]:
        return await self._store.list_received_texts(
            principal.service.id, older_than, self.retention_floor(principal), self.page_size
        )

"""Reading back what was sent: the inspection API's and the dashboard's one source.

Rows past their service's retention are hidden here, as GET /v2 hides them, until
the sweeper deletes them.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from simulator.domain import email_render
from simulator.domain.clock import Clock
from simulator.domain.models import KeyType, NotificationType, Status
from simulator.domain.ports import InspectionQuery, InspectionRow, InspectionView
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.events import ChangeFeed

__all__ = ["Activity", "MessageLog", "status_group"]

# the dashboard counts at most this many recent messages a key type (a sandbox, not a warehouse)
ACTIVITY_CAP = 5000
_DELIVERED = frozenset({Status.DELIVERED, Status.SENT})
_SENDING = frozenset({Status.CREATED, Status.SENDING, Status.PENDING, Status.PENDING_VIRUS_CHECK})


def status_group(status: Status) -> str:
    """Notify's dashboard buckets: sending, delivered, failed."""
    if status in _DELIVERED:
        return "delivered"
    if status in _SENDING:
        return "sending"
    return "failed"


@dataclass(slots=True)
class Activity:
    """Team and live messages only: test-key sends never reach the dashboard."""

    today: dict[str, Counter[str]] = field(default_factory=dict)  # channel -> group -> n
    week: dict[str, Counter[str]] = field(default_factory=dict)
    days: list[tuple[str, Counter[str]]] = field(default_factory=list)  # date -> channel -> n
    capped: bool = False


class MessageLog:
    def __init__(
        self,
        *,
        inspection: InspectionView,
        directory: ServiceDirectory,
        clock: Clock,
        changes: ChangeFeed,
        language_blocks: bool = False,
    ) -> None:
        self._inspection = inspection
        self._directory = directory
        self._changes = changes
        self._clock = clock
        self._language_blocks = language_blocks

    async def find(self, query: InspectionQuery) -> list[InspectionRow]:
        floors: dict[str, datetime | None] = {}
        now = self._clock.now()

        async def floor(service_id: str) -> datetime | None:
            if service_id not in floors:
                entry = await self._directory.entry(service_id)
                days = entry.service.data_retention_days if entry is not None else None
                floors[service_id] = None if days is None else now - timedelta(days=days)
            return floors[service_id]

        if query.service_id is not None:  # exact paging: the floor goes into the query
            service_floor = await floor(query.service_id)
            if service_floor is not None and (query.since is None or query.since < service_floor):
                query = replace(query, since=service_floor)
        kept = []
        for row in await self._inspection.find(query):
            row_floor = await floor(row.notification.service_id)
            if row_floor is None or row.notification.created_at >= row_floor:
                kept.append(row)
        return kept

    async def find_waiting(self, query: InspectionQuery, wait: float) -> list[InspectionRow]:
        """`find`, long-polled: look again at each change until a row matches or `wait`
        seconds have passed (a test's "wait for my message" without a sleep loop)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            found = await self.find(query)
            remaining = deadline - loop.time()
            if found or remaining <= 0:
                return found
            await self._changes.wait(min(remaining, 0.5))

    async def delete(self, query: InspectionQuery) -> int:
        """Scoped deletion, so tests sharing a sandbox reset only their own messages."""
        return await self._inspection.delete(query)

    async def delete_received_texts(self, service_id: str | None) -> int:
        """A service's received texts (every service's, for None), as a reset clears them."""
        return await self._inspection.delete_received_texts(service_id)

    async def one(
        self, notification_id: str, service_id: str | None = None
    ) -> InspectionRow | None:
        found = await self.find(
            InspectionQuery(notification_id=notification_id, service_id=service_id, limit=1)
        )
        return found[0] if found else None

    async def email_html(self, row: InspectionRow) -> str | None:
        n = row.notification
        if n.type is not NotificationType.EMAIL:
            return None
        if row.html is not None:
            return row.html
        template = await self._directory.template_version(
            n.service_id, n.template_id, n.template_version
        )
        if template is None:
            return None
        return email_render.email_html(
            template.body,
            n.personalisation,
            unsubscribe_url=n.unsubscribe_url,
            language_blocks=self._language_blocks,
        )

    async def activity(self, service_id: str, days: int = 7) -> Activity:
        now = self._clock.now()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        start = midnight - timedelta(days=days - 1)
        activity = Activity()
        dates = [(start + timedelta(days=i)).strftime("%Y-%m-%d") for i in range(days)]
        per_day: dict[str, Counter[str]] = {d: Counter() for d in dates}
        for key_type in (KeyType.TEAM, KeyType.NORMAL):
            rows = await self.find(
                InspectionQuery(
                    service_id=service_id,
                    key_type=key_type.value,
                    since=start,
                    limit=ACTIVITY_CAP,
                )
            )
            activity.capped = activity.capped or len(rows) >= ACTIVITY_CAP
            for row in rows:
                n = row.notification
                group = status_group(n.status)
                activity.week.setdefault(n.type.value, Counter())[group] += 1
                if n.created_at >= midnight:
                    activity.today.setdefault(n.type.value, Counter())[group] += 1
                day = n.created_at.strftime("%Y-%m-%d")
                if day in per_day:
                    per_day[day][n.type.value] += 1
        activity.days = [(d, per_day[d]) for d in dates]
        return activity

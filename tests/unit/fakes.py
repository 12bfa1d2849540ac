"""In-memory fakes of the ports, for unit tests of the gateway's use cases.

They keep what a real store keeps and nothing else, so a use case can be tested for
what it decides (errors, what it saves, which events it records) without a database.
The storage contract suite holds the real adapters to the same behaviour.

Each fake subclasses its port, so mypy checks every method against the Protocol and
refuses to build a fake that lacks one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from simulator.domain.callbacks import CallbackRecord
from simulator.domain.jobs import Job, JobStatus
from simulator.domain.models import (
    ApiKey,
    KeyType,
    Notification,
    NotificationType,
    ReceivedText,
    Service,
    Status,
    Template,
)
from simulator.domain.ports import (
    DirectoryStore,
    FileStore,
    JobStore,
    KeyEvent,
    Limiter,
    ListQuery,
    MessageQuery,
    MessageRecord,
    NotificationStore,
    RateDecision,
    Reservation,
    StoredFile,
    Transition,
)


class FakeClock:
    def __init__(self, start: datetime = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)) -> None:
        self.moment = start

    def now(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


def a_notification(service_id: str, created_at: datetime, **fields: Any) -> Notification:
    """A stored-looking text message; any field can be given."""
    values: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "api_key_id": "key",
        "key_type": KeyType.NORMAL,
        "type": NotificationType.SMS,
        "status": Status.CREATED,
        "to": "07700900465",
        "normalised_to": "447700900465",
        "template_id": "template",
        "template_version": 1,
        "body": "Hi",
    }
    return Notification(service_id=service_id, created_at=created_at, **(values | fields))


class Changes:
    """An on_change listener that records which services it was told about."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, service_id: str) -> None:
        self.seen.append(service_id)


@dataclass
class FakeDirectoryStore(DirectoryStore):
    """DirectoryStore in dictionaries."""

    services: dict[str, Service] = field(default_factory=dict)
    keys: dict[str, ApiKey] = field(default_factory=dict)
    templates: dict[tuple[str, int], Template] = field(default_factory=dict)
    events: list[tuple[str, str, str, str | None, datetime]] = field(default_factory=list)

    async def get_service(self, service_id: str) -> Service | None:
        return self.services.get(service_id)

    async def list_services(self) -> list[Service]:
        return sorted(self.services.values(), key=lambda s: s.name)

    async def save_service(self, service: Service) -> None:
        self.services[service.id] = service

    async def get_keys(self, service_id: str) -> list[ApiKey]:
        found = [k for k in self.keys.values() if k.service_id == service_id]
        return sorted(found, key=lambda k: k.created_at)

    async def find_key_by_secret(self, secret: str) -> ApiKey | None:
        return next((k for k in self.keys.values() if k.secret == secret), None)

    async def save_key(self, key: ApiKey) -> None:
        stored = self.keys.get(key.id)
        if stored is not None:  # as the real upsert: secret and creation never change
            key = replace(
                key,
                secret=stored.secret,
                created_at=stored.created_at,
                revoked_at=stored.revoked_at or key.revoked_at,
                revoke_after=stored.revoke_after or key.revoke_after,
            )
        self.keys[key.id] = key

    async def delete_key(self, key_id: str) -> None:
        self.keys.pop(key_id, None)

    async def touch_keys(
        self, last_used: dict[str, datetime], requests: dict[str, int] | None = None
    ) -> None:
        for key_id, at in last_used.items():
            key = self.keys[key_id]
            count = key.request_count + (requests or {}).get(key_id, 0)
            self.keys[key_id] = replace(key, last_used_at=at, request_count=count)

    async def add_key_event(
        self, key_id: str, service_id: str, event: str, detail: str | None, at: datetime
    ) -> None:
        self.events.append((key_id, service_id, event, detail, at))

    async def list_key_events(self, key_id: str, limit: int = 100) -> list[KeyEvent]:
        mine = [e for e in self.events if e[0] == key_id][::-1][:limit]
        return [KeyEvent(event=e[2], detail=e[3], at=e[4]) for e in mine]

    async def sends_by_key(self, key_id: str, since: datetime | None = None) -> dict[str, int]:
        return {}

    async def get_template(
        self, service_id: str, template_id: str, version: int | None = None
    ) -> Template | None:
        versions = [
            t
            for (tid, _), t in self.templates.items()
            if tid == template_id and t.service_id == service_id
        ]
        if version is not None:
            versions = [t for t in versions if t.version == version]
        return max(versions, key=lambda t: t.version, default=None)

    async def list_templates(self, service_id: str) -> list[Template]:
        latest: dict[str, Template] = {}
        for t in self.templates.values():
            if t.service_id == service_id and t.version >= latest.get(t.id, t).version:
                latest[t.id] = t
        return list(latest.values())

    async def save_template(self, template: Template) -> None:
        self.templates[(template.id, template.version)] = template

    def event_names(self, key_id: str) -> list[str]:
        return [e[2] for e in self.events if e[0] == key_id]


def _newest_first(
    found: list[Notification], older_than: datetime | None, limit: int
) -> list[Notification]:
    ordered = sorted(found, key=lambda n: n.created_at, reverse=True)
    if older_than is not None:
        ordered = [n for n in ordered if n.created_at < older_than]
    return ordered[:limit]


@dataclass
class FakeNotificationStore(NotificationStore):
    """NotificationStore in dictionaries, with each write recorded as it was made.

    A stored notification is a copy: a use case changing its object afterwards does not
    change what was committed. ``fail_adds`` makes the next write raise, as a lost
    database would.
    """

    notifications: dict[str, Notification] = field(default_factory=dict)
    # every callback handed over with a write, in order
    callbacks: list[CallbackRecord] = field(default_factory=list)
    received: list[ReceivedText] = field(default_factory=list)
    messages: list[MessageRecord] = field(default_factory=list)
    fail_adds: BaseException | None = None
    # the list queries the store was asked, for the paging a use case chose
    queries: list[ListQuery] = field(default_factory=list)

    async def add_notification(
        self, notification: Notification, *, callback: CallbackRecord | None = None
    ) -> None:
        if self.fail_adds is not None:
            raise self.fail_adds
        assert notification.id not in self.notifications, "a notification is stored once"
        self.notifications[notification.id] = replace(
            notification, personalisation=dict(notification.personalisation)
        )
        if callback is not None:
            self.callbacks.append(callback)

    async def get_notification(
        self, service_id: str, notification_id: str, not_before: datetime | None
    ) -> Notification | None:
        found = self.notifications.get(notification_id)
        if found is None or found.service_id != service_id:
            return None
        if not_before is not None and found.created_at < not_before:
            return None
        return found

    async def find_notification(self, notification_id: str) -> Notification | None:
        return self.notifications.get(notification_id)

    async def find_by_provider_reference(self, reference: str) -> Notification | None:
        return next(
            (n for n in self.notifications.values() if n.provider_reference == reference), None
        )

    async def list_notifications(self, query: ListQuery) -> list[Notification]:
        self.queries.append(query)
        found = [
            n
            for n in self.notifications.values()
            if n.service_id == query.service_id
            and (query.not_before is None or n.created_at >= query.not_before)
            and (query.key_type is None or n.key_type is query.key_type)
            and (query.include_jobs or n.job_id is None)
            and (not query.template_types or n.type.value in query.template_types)
            and (not query.statuses or n.status.value in query.statuses)
            and (query.reference is None or n.reference == query.reference)
        ]
        older_than = None
        if query.older_than is not None:  # an unknown id pages to nothing, as the SQL does
            marker = self.notifications.get(query.older_than)
            older_than = marker.created_at if marker else datetime.min.replace(tzinfo=UTC)
        return _newest_first(found, older_than, query.offset + query.limit)[query.offset :]

    async def count_notifications(self, query: ListQuery) -> int:
        unpaged = replace(query, offset=0, limit=len(self.notifications))
        found = await self.list_notifications(unpaged)
        self.queries.pop()  # a count is no page read
        return len(found)

    def _due(self, now: datetime) -> list[Notification]:
        due = [
            n for n in self.notifications.values() if n.next_action_at and n.next_action_at <= now
        ]
        return sorted(due, key=lambda n: n.next_action_at or now)

    async def due_notifications(self, now: datetime, limit: int) -> list[Notification]:
        return self._due(now)[:limit]

    async def claim_due_notifications(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[Notification]:
        return self._due(now)[:limit]  # one process: the plain read, as on SQLite

    async def next_due_at(self) -> datetime | None:
        return min(
            (n.next_action_at for n in self.notifications.values() if n.next_action_at),
            default=None,
        )

    def _apply(self, t: Transition) -> bool:
        n = self.notifications.get(t.notification_id)
        if n is None or n.status is not t.expected:
            return False
        if t.expected_attempts is not None and n.attempts != t.expected_attempts:
            return False
        self.notifications[n.id] = replace(
            n,
            status=t.status,
            updated_at=t.at,
            next_action_at=t.next_action_at,
            sent_at=t.at if t.set_sent_at else n.sent_at,
            provider=t.provider or n.provider,
            provider_reference=t.provider_reference or n.provider_reference,
            status_detail=t.detail or n.status_detail,
            attempts=n.attempts + t.attempts_delta,
            planned_status=t.planned_status or n.planned_status,
        )
        if t.callback is not None:
            self.callbacks.append(t.callback)
        return True

    async def apply_transitions(self, transitions: Sequence[Transition]) -> list[bool]:
        return [self._apply(t) for t in transitions]

    async def work_stepwise(self, service_id: str, since: datetime) -> int:
        raise NotImplementedError("SQL over stored timelines: the storage contract covers it")

    async def freeze_rewound(self, before: datetime, since: datetime) -> int:
        raise NotImplementedError("SQL over stored timelines: the storage contract covers it")

    async def record_delivery(self, transition: Transition, message: MessageRecord) -> bool:
        applied = self._apply(transition)
        if applied:
            self.messages.append(message)
        return applied

    async def add_received_text(
        self, text: ReceivedText, *, callback: CallbackRecord | None = None
    ) -> None:
        self.received.append(text)
        if callback is not None:
            self.callbacks.append(callback)

    async def list_received_texts(
        self, service_id: str, older_than: str | None, not_before: datetime | None, limit: int
    ) -> list[ReceivedText]:
        mine = [
            t
            for t in self.received
            if t.service_id == service_id and (not_before is None or t.created_at >= not_before)
        ]
        mine.sort(key=lambda t: t.created_at, reverse=True)
        if older_than is not None:
            marker = next((t for t in self.received if t.id == older_than), None)
            mine = [t for t in mine if marker is not None and t.created_at < marker.created_at]
        return mine[:limit]

    async def list_messages(self, query: MessageQuery) -> list[MessageRecord]:
        found = [
            m
            for m in self.messages
            if (query.service_id is None or m.service_id == query.service_id)
            and (query.recipient is None or m.recipient == query.recipient)
            and (query.reference is None or m.reference == query.reference)
            and (query.channel is None or m.channel.value == query.channel)
        ]
        return found[::-1][: query.limit]

    async def purge_before(self, moment_: datetime) -> int:
        old = [i for i, n in self.notifications.items() if n.created_at < moment_]
        for notification_id in old:
            del self.notifications[notification_id]
        return len(old)


@dataclass
class FakeLimiter(Limiter):
    """Limiter in one process: buckets that do not refill within a test, exact counters.

    ``reservations`` and ``released`` record what a use case took and gave back.
    """

    counts: dict[tuple[str, str, str], int] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)
    reservations: list[Reservation] = field(default_factory=list)
    released: list[Reservation] = field(default_factory=list)

    @property
    def backend(self) -> str:
        return "fake"

    @property
    def unavailable_count(self) -> int:
        return 0  # the counters are in memory: never unreachable

    async def take_token(
        self, bucket: str, *, per_minute: int, capacity: int, now: float
    ) -> RateDecision:
        taken = self.tokens.get(bucket, 0)
        allowed = taken < capacity
        if allowed:
            self.tokens[bucket] = taken + 1
        remaining = capacity - self.tokens.get(bucket, 0)
        retry = 0.0 if allowed else 60 / per_minute
        return RateDecision(
            allowed, capacity, remaining, retry, (capacity - remaining) * 60 / per_minute
        )

    async def reserve(
        self,
        service_id: str,
        day: str,
        limits: Sequence[tuple[str, int]],
        *,
        ttl_seconds: int = 90_000,
        count: int = 1,
    ) -> Reservation | tuple[str, int]:
        for channel, limit in limits:
            if self.counts.get((service_id, day, channel), 0) + count > limit:
                return channel, limit
        for channel, _ in limits:
            key = (service_id, day, channel)
            self.counts[key] = self.counts.get(key, 0) + count
        reservation = Reservation(service_id, day, tuple(c for c, _ in limits), count)
        self.reservations.append(reservation)
        return reservation

    async def release(self, reservation: Reservation) -> None:
        for channel in reservation.channels:
            key = (reservation.service_id, reservation.day, channel)
            self.counts[key] -= reservation.count
        self.released.append(reservation)

    async def usage(self, service_id: str, day: str) -> dict[str, int]:
        return {c: n for (s, d, c), n in self.counts.items() if (s, d) == (service_id, day)}

    async def seed(self, service_id: str, day: str, counts: dict[str, int]) -> None:
        for channel, count in counts.items():
            self.counts[(service_id, day, channel)] = count

    def snapshot(self, scope_prefix: str) -> list[tuple[str, str, str, int]]:
        return [(s, d, c, n) for (s, d, c), n in self.counts.items() if s.startswith(scope_prefix)]

    async def close(self) -> None:
        return None

    def used(self, service_id: str, channel: str) -> int:
        """Places held in a channel's counters, over every period."""
        return sum(n for (s, _, c), n in self.counts.items() if (s, c) == (service_id, channel))


@dataclass
class FakeFileStore(FileStore):
    files: dict[tuple[str, str], StoredFile] = field(default_factory=dict)

    async def put_file(self, file: StoredFile) -> None:
        self.files[(file.kind, file.id)] = file

    async def get_file(self, kind: str, file_id: str) -> StoredFile | None:
        return self.files.get((kind, file_id))

    async def files_for(self, notification_id: str) -> list[StoredFile]:
        return [f for f in self.files.values() if f.notification_id == notification_id]

    async def delete_expired_files(self, now: datetime) -> int:
        old = [k for k, f in self.files.items() if f.expires_at is not None and f.expires_at <= now]
        for key in old:
            del self.files[key]
        return len(old)


@dataclass
class FakeJobStore(JobStore):
    """JobStore in dictionaries; ``fail_adds`` makes storing a job raise, as a lost database."""

    jobs: dict[str, Job] = field(default_factory=dict)
    created: dict[str, list[Notification]] = field(default_factory=dict)
    fail_adds: BaseException | None = None

    async def add_job(self, job: Job) -> None:
        if self.fail_adds is not None:
            raise self.fail_adds
        self.jobs[job.id] = job

    async def get_job(self, service_id: str, job_id: str) -> Job | None:
        job = self.jobs.get(job_id)
        return job if job is not None and job.service_id == service_id else None

    async def job_summary(self, service_id: str, job_id: str) -> Job | None:
        job = await self.get_job(service_id, job_id)
        return replace(job, rows=[]) if job is not None else None

    async def list_jobs(self, service_id: str, older_than: str | None, limit: int) -> list[Job]:
        mine = sorted(
            (j for j in self.jobs.values() if j.service_id == service_id),
            key=lambda j: j.created_at,
            reverse=True,
        )
        if older_than is not None:
            marker = self.jobs.get(older_than)
            mine = [j for j in mine if marker is not None and j.created_at < marker.created_at]
        return mine[:limit]

    async def job_statistics(self, job_ids: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
        stats: dict[str, list[tuple[str, int]]] = {}
        for job_id in job_ids:
            by_status: dict[str, int] = {}
            for n in self.created.get(job_id, []):
                by_status[n.status.value] = by_status.get(n.status.value, 0) + 1
            stats[job_id] = sorted(by_status.items())
        return stats

    async def cancel_job(self, service_id: str, job_id: str, at: datetime) -> bool:
        job = await self.get_job(service_id, job_id)
        if job is None or job.job_status is not JobStatus.SCHEDULED:
            return False
        self.jobs[job_id] = replace(job, job_status=JobStatus.CANCELLED, updated_at=at)
        return True

    async def due_jobs(self, now: datetime, limit: int) -> list[Job]:
        due = [
            j
            for j in self.jobs.values()
            if j.job_status in (JobStatus.PENDING, JobStatus.SCHEDULED, JobStatus.IN_PROGRESS)
            and (j.scheduled_for is None or j.scheduled_for <= now)
            and (j.lease_until is None or j.lease_until <= now)
        ]
        return sorted(due, key=lambda j: j.created_at)[:limit]

    async def claim_job(self, job_id: str, now: datetime, lease_until: datetime) -> bool:
        job = self.jobs[job_id]
        if job.lease_until is not None and job.lease_until > now:
            return False
        self.jobs[job_id] = replace(
            job,
            job_status=JobStatus.IN_PROGRESS,
            lease_until=lease_until,
            processing_started=job.processing_started or now,
        )
        return True

    async def save_job_progress(
        self,
        job_id: str,
        notifications: Sequence[Notification],
        processed_rows: int,
        lease_until: datetime | None,
    ) -> None:
        self.created.setdefault(job_id, []).extend(notifications)
        job = self.jobs[job_id]
        self.jobs[job_id] = replace(job, processed_rows=processed_rows, lease_until=lease_until)

    async def finish_job(self, job_id: str, at: datetime) -> None:
        job = self.jobs[job_id]
        self.jobs[job_id] = replace(
            job, job_status=JobStatus.FINISHED, processing_finished=at, lease_until=None
        )

    async def release_job(self, job_id: str) -> None:
        self.jobs[job_id] = replace(self.jobs[job_id], lease_until=None)

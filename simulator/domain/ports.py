"""Ports: the small protocols the gateway and the worker need from adapters.

versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypedDict

from simulator.domain.callbacks import CallbackRecord
from simulator.domain.jobs import Job
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
from simulator.domain.reports import Report

__all__ = [
    "CallbackStore",
    "CounterStore",
    "DirectoryStore",
    "DueCallback",
    "FileStore",
    "InspectionQuery",
    "InspectionRow",
    "InspectionView",
    "JobStore",
    "KeyEvent",
    "Limiter",
    "ListQuery",
    "MessageQuery",
    "MessageRecord",
    "NotificationStore",
    "RateDecision",
    "ReportStore",
    "Reservation",
    "Store",
    "StoreStats",
    "StoredFile",
    "Transition",
]


@dataclass(frozen=True, slots=True)
class ListQuery:
    service_id: str
    key_type: KeyType | None
    template_types: Sequence[str] = ()
    statuses: Sequence[str] = ()
    reference: str | None = None
    older_than: str | None = None
    not_before: datetime | None = None
    limit: int = 250
    # notifications of bulk jobs are left out unless asked for (contract 3.6)
    include_jobs: bool = False
    offset: int = 0  # GC's v1 list pages by number


@dataclass(frozen=True, slots=True)
class Transition:
    """A compare-and-set status change: applied only if the row still has `expected`."""

    notification_id: str
    expected: Status
    status: Status
    at: datetime
    next_action_at: datetime | None = None
    set_sent_at: bool = False
    provider: str | None = None
    provider_reference: str | None = None
    detail: str | None = None
    attempts_delta: int = 0
    # where a timeline is heading next (kept when None)
    planned_status: Status | None = None
    # a callback to queue in the same transaction, if the change applies
    callback: CallbackRecord | None = None
    # a claim guard: also require this attempts count (so two workers cannot both claim)
    expected_attempts: int | None = None


@dataclass(frozen=True, slots=True)
class MessageRecord:
    notification_id: str
    service_id: str
    key_type: KeyType
    channel: NotificationType
    provider: str
    recipient: str
    body: str
    template_id: str
    created_at: datetime
    sender: str | None = None
    reply_to: str | None = None
    subject: str | None = None
    html: str | None = None
    fragment_count: int | None = None
    reference: str | None = None
    unsubscribe_url: str | None = None


@dataclass(frozen=True, slots=True)
class MessageQuery:
    service_id: str | None = None
    recipient: str | None = None
    reference: str | None = None
    channel: str | None = None
    limit: int = 100


@dataclass(frozen=True, slots=True)
class DueCallback:
    id: str
    service_id: str
    kind: str
    subject_id: str
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True, slots=True)
class InspectionQuery:
    service_id: str | None = None
    key_type: str | None = None
    recipient: str | None = None
    reference: str | None = None
    status: str | None = None
    template_id: str | None = None
    channel: str | None = None
    since: datetime | None = None
    notification_id: str | None = None
    # the recipient as the normalised form stored with each notification
    normalised_recipient: str | None = None
    limit: int = 100


@dataclass(frozen=True, slots=True)
class InspectionRow:
    notification: Notification
    provider: str | None
    sender: str | None
    plain_text: str | None
    html: str | None
    fragment_count: int | None


class KeyEvent(TypedDict):
    """One line of a key's activity: what happened, with what detail, when."""

    event: str
    detail: str | None
    at: datetime | None


class DirectoryStore(Protocol):
    async def get_service(self, service_id: str) -> Service | None: ...
    async def list_services(self) -> list[Service]: ...
    async def save_service(self, service: Service) -> None: ...
    async def get_keys(self, service_id: str) -> list[ApiKey]: ...
    async def find_key_by_secret(self, secret: str) -> ApiKey | None: ...
    async def save_key(self, key: ApiKey) -> None: ...
    async def delete_key(self, key_id: str) -> None: ...
    async def touch_keys(
        self, last_used: dict[str, datetime], requests: dict[str, int] | None = None
    ) -> None: ...
    async def add_key_event(
        self, key_id: str, service_id: str, event: str, detail: str | None, at: datetime
    ) -> None: ...
    async def list_key_events(self, key_id: str, limit: int = 100) -> list[KeyEvent]: ...
    async def sends_by_key(self, key_id: str, since: datetime | None = None) -> dict[str, int]: ...
    async def get_template(
        self, service_id: str, template_id: str, version: int | None = None
    ) -> Template | None: ...
    async def list_templates(self, service_id: str) -> list[Template]: ...
    async def save_template(self, template: Template) -> None: ...


class NotificationStore(Protocol):
    async def add_notification(
        self, notification: Notification, *, callback: CallbackRecord | None = None
    ) -> None: ...
    async def get_notification(
        self, service_id: str, notification_id: str, not_before: datetime | None
    ) -> Notification | None: ...
    async def find_notification(self, notification_id: str) -> Notification | None: ...
    async def find_by_provider_reference(self, reference: str) -> Notification | None: ...
    async def list_notifications(self, query: ListQuery) -> list[Notification]: ...
    async def count_notifications(self, query: ListQuery) -> int:
        """How many the query finds, ignoring its limit and offset (GC's v1 `total`)."""
        ...

    async def due_notifications(self, now: datetime, limit: int) -> list[Notification]: ...
    async def claim_due_notifications(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[Notification]: ...
    async def next_due_at(self) -> datetime | None: ...
    async def apply_transitions(self, transitions: Sequence[Transition]) -> list[bool]: ...
    async def work_stepwise(self, service_id: str, since: datetime) -> int: ...
    async def freeze_rewound(self, before: datetime, since: datetime) -> int: ...
    async def record_delivery(self, transition: Transition, message: MessageRecord) -> bool: ...
    async def add_received_text(
        self, text: ReceivedText, *, callback: CallbackRecord | None = None
    ) -> None: ...
    async def list_received_texts(
        self, service_id: str, older_than: str | None, not_before: datetime | None, limit: int
    ) -> list[ReceivedText]: ...
    async def list_messages(self, query: MessageQuery) -> list[MessageRecord]: ...
    async def purge_before(self, moment_: datetime) -> int: ...


class CounterStore(Protocol):
    """Daily counter snapshots, and the sends they are rebuilt from after a restart."""

    async def save_day_counters(self, rows: list[tuple[str, str, str, int]]) -> None: ...
    async def load_day_counters(self, day: str) -> list[tuple[str, str, str, int]]: ...
    async def counts_since(self, moment_: datetime) -> list[tuple[str, str, bool, int]]: ...


class JobStore(Protocol):
    async def add_job(self, job: Job) -> None: ...
    async def get_job(self, service_id: str, job_id: str) -> Job | None: ...
    async def job_summary(self, service_id: str, job_id: str) -> Job | None: ...
    async def list_jobs(self, service_id: str, older_than: str | None, limit: int) -> list[Job]: ...
    async def job_statistics(self, job_ids: Sequence[str]) -> dict[str, list[tuple[str, int]]]: ...
    async def cancel_job(self, service_id: str, job_id: str, at: datetime) -> bool: ...
    async def due_jobs(self, now: datetime, limit: int) -> list[Job]: ...
    async def claim_job(self, job_id: str, now: datetime, lease_until: datetime) -> bool: ...
    async def save_job_progress(
        self,
        job_id: str,
        notifications: Sequence[Notification],
        processed_rows: int,
        lease_until: datetime | None,
    ) -> None: ...
    async def finish_job(self, job_id: str, at: datetime) -> None: ...
    async def release_job(self, job_id: str) -> None: ...


class StoreStats(Protocol):
    """What /metrics and /_status tell about the store, on either backend."""

    @property
    def backend(self) -> str:
        """ "sqlite" or "postgresql"."""
        ...

    @property
    def schema_version(self) -> str | None: ...
    @property
    def commits(self) -> int: ...
    @property
    def writes(self) -> int: ...


class ReportStore(Protocol):
    """GC's reports (POST /v2/reports), each with its CSV once generated."""

    async def add_report(self, report: Report) -> None: ...
    async def get_report(
        self, service_id: str, report_id: str, *, with_content: bool = False
    ) -> Report | None: ...
    async def list_reports(
        self, service_id: str, older_than: str | None, limit: int
    ) -> list[Report]: ...
    async def report_requests_since(self, service_id: str, since: datetime) -> list[datetime]: ...
    async def finish_report(self, report: Report) -> bool: ...
    async def delete_reports(self, service_id: str | None) -> int:
        """A service's reports (every service's, for None), as a reset clears them."""
        ...


class Store(
    DirectoryStore, NotificationStore, CounterStore, JobStore, ReportStore, StoreStats, Protocol
):
    """Everything one storage backend offers the gateway, the worker and the admin API."""

    async def close(self) -> None: ...


class CallbackStore(Protocol):
    async def add(self, record: CallbackRecord) -> None: ...
    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[DueCallback]: ...
    async def finish(
        self,
        callback_id: str,
        *,
        status: str,
        next_attempt_at: datetime | None,
        error: str | None,
        at: datetime,
    ) -> None: ...
    async def for_subject(self, subject_id: str) -> list[dict[str, Any]]: ...
    async def next_due_at(self) -> datetime | None: ...


class InspectionView(Protocol):
    """The admin view across services: find, delete and purge notifications."""

    async def find(self, query: InspectionQuery) -> list[InspectionRow]: ...
    async def delete(self, query: InspectionQuery) -> int: ...
    async def delete_received_texts(self, service_id: str | None) -> int: ...
    async def purge_service_before(self, service_id: str, moment: datetime) -> int: ...


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    # seconds until a token is available again (0 when allowed)
    retry_after: float
    # seconds until the bucket is full again
    reset_after: float


@dataclass(frozen=True, slots=True)
class Reservation:
    """Places taken in daily counters; given back if the send fails afterwards."""

    service_id: str
    day: str
    channels: tuple[str, ...]
    count: int = 1  # places in each counter (a bulk job takes many at once)


class Limiter(Protocol):
    @property
    def backend(self) -> str:
        """ "memory" or "redis": where the counters are kept (GET /_status says)."""
        ...

    # sends decided without the shared counters because they were unreachable
    @property
    def unavailable_count(self) -> int: ...

    async def take_token(
        self, bucket: str, *, per_minute: int, capacity: int, now: float
    ) -> RateDecision: ...
    async def reserve(
        self,
        service_id: str,
        day: str,
        limits: Sequence[tuple[str, int]],
        *,
        ttl_seconds: int = 90_000,
        count: int = 1,
    ) -> Reservation | tuple[str, int]:
        """Take `count` places in each (channel, limit), all or none, or return the
        (channel, limit) that has too few left.

        ``day`` names the period ("2026-11-22", or GC's fiscal year "fy2026"); shared
        counters are kept for ``ttl_seconds``.
        """
        ...

    async def release(self, reservation: Reservation) -> None: ...
    async def usage(self, service_id: str, day: str) -> dict[str, int]: ...
    async def seed(self, service_id: str, day: str, counts: dict[str, int]) -> None: ...
    def snapshot(self, scope_prefix: str) -> list[tuple[str, str, str, int]]:
        """(scope, day, name, count) this process alone holds, to be written down and
        seeded back after a restart; a shared limiter keeps its own and gives none."""
        ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class StoredFile:
    """Bytes kept for a notification: a letter PDF, a document to download, an attachment."""

    id: str
    kind: str  # "letter-pdf", "document", "attachment"
    service_id: str
    content: bytes
    created_at: datetime
    notification_id: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    expires_at: datetime | None = None


class FileStore(Protocol):
    """versionadded: issue 14."""

    async def put_file(self, file: StoredFile) -> None:
        """Insert, or replace the file of the same kind and id."""
        ...

    async def get_file(self, kind: str, file_id: str) -> StoredFile | None: ...
    async def files_for(self, notification_id: str) -> list[StoredFile]: ...
    async def delete_expired_files(self, now: datetime) -> int: ...

"""Core domain records: services, keys, templates, notifications."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

__all__ = [
    "COMPLETED_STATUSES",
    "DEFAULT_SERVICE_PERMISSIONS",
    "FINAL_STATUSES",
    "LIMIT_CHANNELS",
    "SERVICE_PERMISSIONS",
    "ApiKey",
    "EmailReplyTo",
    "KeyType",
    "Notification",
    "NotificationType",
    "ReceivedText",
    "Service",
    "SmsSender",
    "Status",
    "TeamMember",
    "Template",
]


class KeyType(StrEnum):
    NORMAL = "normal"
    TEAM = "team"
    TEST = "test"

    @property
    def shouty(self) -> str:
        """How Notify names the key type in rate-limit texts (normal shows as LIVE)."""
        return "LIVE" if self is KeyType.NORMAL else self.value.upper()


class NotificationType(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    LETTER = "letter"


class Status(StrEnum):
    CANCELLED = "cancelled"
    CREATED = "created"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    PENDING = "pending"
    FAILED = "failed"
    TECHNICAL_FAILURE = "technical-failure"
    TEMPORARY_FAILURE = "temporary-failure"
    PERMANENT_FAILURE = "permanent-failure"
    PENDING_VIRUS_CHECK = "pending-virus-check"
    VALIDATION_FAILED = "validation-failed"
    VIRUS_SCAN_FAILED = "virus-scan-failed"
    RETURNED_LETTER = "returned-letter"
    # GC Notify only (contract 6.2)
    PROVIDER_FAILURE = "provider-failure"
    PII_CHECK_FAILED = "pii-check-failed"


# completed_at is shown only for these (contract 3.5)
COMPLETED_STATUSES = frozenset(
    {
        Status.SENT,
        Status.DELIVERED,
        Status.FAILED,
        Status.TECHNICAL_FAILURE,
        Status.TEMPORARY_FAILURE,
        Status.PERMANENT_FAILURE,
        Status.RETURNED_LETTER,
        Status.CANCELLED,
        Status.VALIDATION_FAILED,
        Status.PROVIDER_FAILURE,
    }
)

# receipts are ignored once a notification has one of these (contract 6.1)
FINAL_STATUSES = frozenset(
    {
        Status.DELIVERED,
        Status.FAILED,
        Status.TECHNICAL_FAILURE,
        Status.TEMPORARY_FAILURE,
        Status.PERMANENT_FAILURE,
        Status.RETURNED_LETTER,
        Status.CANCELLED,
        Status.VALIDATION_FAILED,
        Status.VIRUS_SCAN_FAILED,
        Status.PROVIDER_FAILURE,
        Status.PII_CHECK_FAILED,
    }
)


@dataclass(frozen=True, slots=True)
class SmsSender:
    id: str
    sender: str
    is_default: bool = False


@dataclass(frozen=True, slots=True)
class EmailReplyTo:
    id: str
    email_address: str
    is_default: bool = False


@dataclass(frozen=True, slots=True)
class TeamMember:
    name: str
    email_address: str | None = None
    mobile_number: str | None = None
    # dashboard sign-in: an argon2 hash, never the password itself
    password_hash: str | None = None
    # Notify's team permissions (domain/team.py); None means all of them
    permissions: frozenset[str] | None = None


# what a service may be allowed, and the channels its daily limits count
SERVICE_PERMISSIONS = frozenset(
    {"sms", "email", "letter", "international_sms", "sms_to_uk_landlines", "international_letters"}
)
DEFAULT_SERVICE_PERMISSIONS = frozenset({"sms", "email", "international_sms"})
LIMIT_CHANNELS = frozenset({"email", "sms", "international_sms", "letter"})


@dataclass(slots=True)
class Service:
    id: str
    name: str
    restricted: bool = True
    active: bool = True
    email_sender_local_part: str = "sandbox"
    rate_limit: int = 3000
    permissions: frozenset[str] = frozenset({"sms", "email", "letter", "international_sms"})
    prefix_sms: bool = False
    sms_senders: tuple[SmsSender, ...] = ()
    email_reply_to: tuple[EmailReplyTo, ...] = ()
    team: tuple[TeamMember, ...] = ()
    guest_list: tuple[str, ...] = ()
    limits: dict[str, int] = field(default_factory=dict)
    data_retention_days: int = 7
    created_at: datetime | None = None
    # where recipients of a sent file can ask for help; needed to send files by email
    contact_link: str | None = None
    # kind ("delivery_status", "inbound_sms") -> {"url": ..., "bearer_token": ...}
    callbacks: dict[str, dict[str, str]] = field(default_factory=dict)

    def default_sms_sender(self) -> SmsSender | None:
        return next((s for s in self.sms_senders if s.is_default), None) or (
            self.sms_senders[0] if self.sms_senders else None
        )

    def default_reply_to(self) -> EmailReplyTo | None:
        return next((r for r in self.email_reply_to if r.is_default), None)


@dataclass(slots=True)
class ApiKey:
    id: str
    service_id: str
    name: str
    key_type: KeyType
    secret: str
    created_at: datetime
    created_by: str = "sandbox"
    description: str = ""
    permissions: frozenset[str] = frozenset()
    revoked_at: datetime | None = None
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    request_count: int = 0
    # a scheduled revocation (rotation with a grace period); revoked_at is final
    revoke_after: datetime | None = None
    # per-key limits (seed 004): a named tier, or explicit figures that override it
    tier: str | None = None
    per_minute_limit: int | None = None
    per_day_limit: int | None = None

    def is_revoked(self, now: datetime) -> bool:
        return self.revoked_at is not None or (
            self.revoke_after is not None and self.revoke_after <= now
        )

    def full_key(self, prefix: str = "") -> str:
        return f"{prefix}{self.name}-{self.service_id}-{self.secret}"


@dataclass(slots=True)
class Template:
    id: str
    service_id: str
    type: NotificationType
    name: str
    body: str
    version: int = 1
    subject: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    created_by: str = "sandbox@notify.sandbox"
    archived: bool = False
    hidden: bool = False
    postage: str | None = None
    letter_contact_block: str | None = None
    category_id: str | None = None  # GC's template_category_id


@dataclass(slots=True)
class Notification:
    id: str
    service_id: str
    api_key_id: str
    key_type: KeyType
    type: NotificationType
    status: Status
    to: str
    normalised_to: str
    template_id: str
    template_version: int
    created_at: datetime
    body: str
    subject: str | None = None
    reference: str | None = None
    sent_at: datetime | None = None
    updated_at: datetime | None = None
    billable_units: int = 0
    international: bool = False
    rate_multiplier: float = 1.0
    sender: str | None = None
    reply_to: str | None = None
    unsubscribe_url: str | None = None
    postage: str | None = None
    personalisation: dict[str, object] = field(default_factory=dict)
    # the simulated or provider outcome this notification is heading for
    planned_status: Status | None = None
    next_action_at: datetime | None = None
    attempts: int = 0
    provider: str | None = None
    provider_reference: str | None = None
    status_detail: str | None = None
    # GC honours scheduled_for: the notification waits in `created` until then
    scheduled_for: datetime | None = None
    # GC's bulk sends: the job that created it (listed only with include_jobs=true)
    job_id: str | None = None
    # a timeline stored once (domain/timeline.py): sent_at and updated_at hold its planned
    # moments, and this is what it shows between them; its status is derived when read
    in_flight_status: Status | None = None

    @property
    def completed_at(self) -> datetime | None:
        return self.updated_at if self.status in COMPLETED_STATUSES else None


@dataclass(frozen=True, slots=True)
class ReceivedText:
    id: str
    service_id: str
    user_number: str
    notify_number: str
    content: str
    created_at: datetime

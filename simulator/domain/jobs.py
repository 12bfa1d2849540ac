"""GC Notify's bulk sends (contract 3.9): a job, its rows, and the rules of POST /bulk.

A job is accepted whole or refused whole; its notifications are created afterwards,
in the background, from the rows kept with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from simulator.domain.models import KeyType, NotificationType

__all__ = ["BulkRules", "BulkTexts", "Job", "JobRow", "JobStatus"]


class JobStatus(StrEnum):
    PENDING = "pending"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in progress"
    FINISHED = "finished"
    CANCELLED = "cancelled"  # GC's JOB_STATUS_CANCELLED: a scheduled job called off


@dataclass(frozen=True, slots=True)
class BulkTexts:
    """The bulk refusals, each a 400 BadRequestError. Exact texts (mind the backticks)."""

    rows_or_csv: str
    csv_error: str  # {detail}
    missing_headers: str  # {names}
    duplicate_headers: str  # {names}
    # {remaining} and {count}; by notification type and period
    remaining: dict[tuple[str, str], str]
    too_many_rows: str  # {limit}
    team_recipients: str
    trial_recipients: str
    row_errors: str  # {errors}
    row_too_long: str  # {row} {limit}
    mixed_recipients: str
    # reading jobs back and cancelling them (GET and DELETE /v2/notifications/bulk/{id})
    job_not_found: str
    already_cancelled: str  # 409 JobAlreadyCancelledError
    cancel_not_allowed: str  # 409 JobCancellationNotAllowedError, {status}


@dataclass(frozen=True, slots=True)
class BulkRules:
    texts: BulkTexts
    max_rows: int = 50_000  # CSV_MAX_ROWS
    max_errors_shown: int = 20  # RecipientCSV's max_errors_shown
    # GC's NOTIFY_USER_ID: every API job is "created by" the platform's own user
    created_by_id: str = "6af522d0-2915-4e52-83a3-3690455a5fe6"
    created_by_name: str = "Notify service user"


@dataclass(frozen=True, slots=True)
class JobRow:
    """One accepted row: the recipient as written (stripped) and its placeholder values."""

    index: int  # 0-based, the first row after the header is 0
    recipient: str
    personalisation: dict[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class Job:
    id: str
    service_id: str
    template_id: str
    template_version: int
    template_type: NotificationType
    original_file_name: str
    notification_count: int
    job_status: JobStatus
    api_key_id: str
    key_type: KeyType
    created_at: datetime
    rows: list[JobRow] = field(default_factory=list)
    sender_id: str | None = None
    # the sender text (SMS) or reply-to address (email) every notification of the job gets
    sender: str | None = None
    scheduled_for: datetime | None = None
    updated_at: datetime | None = None
    processing_started: datetime | None = None
    processing_finished: datetime | None = None
    # how many rows have their notification stored; processing resumes from here
    processed_rows: int = 0
    # while a processor works on the job, others leave it alone until this moment
    lease_until: datetime | None = None
    archived: bool = False

"""GC Notify's reports API (/v2/reports): the report, its request schema, texts and CSV.

cds-snc/notification-api: ``app/v2/reports/`` (routes, schema, the 10-an-hour limit),
``app/models.py`` (``Report``, ``ReportStatus``, ``ReportType``, ``Report.serialize``),
``app/celery/tasks.py`` (``generate_report``: ready, expiring 3 days later, notifications
of the last 7 days) and ``app/report/utils.py`` (the CSV columns, their French names,
times in America/Toronto). ``completed_at`` is set when the report is requested, as GC's
column default does.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from jsonschema import Draft7Validator, FormatChecker

from simulator.domain.schemas import schema_error_messages

__all__ = [
    "Report",
    "ReportRow",
    "ReportRules",
    "ReportSchema",
    "ReportStatus",
    "ReportTexts",
    "report_csv",
]

_TORONTO = ZoneInfo("America/Toronto")
_UUID = {"type": "string", "format": "validate_uuid", "validationMessage": "is not a valid UUID"}
_POST: dict[str, Any] = {
    "type": "object",
    "properties": {
        "report_type": {"type": "string", "enum": ["sms", "email", "job"]},
        "language": {"type": "string", "enum": ["en", "fr"]},
        "job_id": {**_UUID, "type": ["string", "null"]},
    },
    "required": ["report_type", "language"],
    "additionalProperties": False,
    "if": {"properties": {"report_type": {"const": "job"}}, "required": ["report_type"]},
    "then": {"properties": {"job_id": _UUID}, "required": ["job_id"]},
}
_FRENCH = {
    "Recipient": "Destinataire",
    "Template": "Gabarit",
    "Type": "Type",
    "Sent by": "Envoyé par",
    "Sent by email": "Envoyé par courriel",
    "Job": "Tâche",
    "Row number": "Numéro de ligne",
    "Status": "État",
    "Sent Time": "Heure d’envoi",
    "email": "courriel",
    "sms": "sms",
    "Failed": "Échec",
    "Tech issue": "Problème technique",
    "Content or inbox issue": "Problème de contenu ou de boîte de réception",
    "Attachment has virus": "La pièce jointe contient un virus",
    "Delivered": "Livraison réussie",
    "In transit": "Envoi en cours",
    "Exceeds Protected A": "Niveau supérieur à Protégé A",
    "Carrier issue": "Problème du fournisseur",
    "No such number": "Numéro inexistant",
    "Sent": "Envoyé",
    "Blocked": "Message bloqué",
    "No such address": "Adresse inexistante",
}


class ReportStatus(StrEnum):
    REQUESTED = "requested"
    GENERATING = "generating"
    READY = "ready"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class ReportTexts:
    forbidden: str  # ForbiddenError, without manage_reports
    rate_limited: str  # RateLimitExceeded, {limit}
    not_ready: str  # 409, {status}
    download_failed: str  # S3ReportDownloadError, 502


@dataclass(frozen=True, slots=True)
class ReportRules:
    texts: ReportTexts
    per_hour: int = 10  # REPORT_RATE_LIMIT
    days_covered: int = 7  # LIMIT_DAYS
    days_kept: int = 3  # DAYS_BEFORE_REPORTS_EXPIRE


@dataclass(slots=True)
class Report:
    id: str
    service_id: str
    report_type: str
    language: str
    status: ReportStatus
    requested_at: datetime
    api_key_id: str | None = None
    job_id: str | None = None
    completed_at: datetime | None = None
    expires_at: datetime | None = None
    content: str | None = None  # the CSV, once ready


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One notification as the CSV shows it (already in GC's words, in English)."""

    recipient: str
    template: str
    notification_type: str
    status: str
    created_at: datetime
    job_name: str = ""
    row_number: int | None = None


def _check_uuid(instance: object) -> bool:
    if isinstance(instance, str):
        uuid.UUID(instance)
    return True


class ReportSchema:
    def __init__(self) -> None:
        checker = FormatChecker(formats=())
        checker.checks("validate_uuid", raises=ValueError)(_check_uuid)
        self._post = Draft7Validator(_POST, format_checker=checker)

    def validate_post(self, body: object) -> list[str]:
        return schema_error_messages(self._post.iter_errors(body))


def report_csv(rows: Iterable[ReportRow], *, language: str, for_job: bool) -> str:
    """GC's columns: a job's report numbers its rows and has no "Sent by" columns."""

    def say(text: str) -> str:
        return _FRENCH.get(text, text) if language == "fr" else text

    header = [say("Recipient"), say("Template"), say("Type")]
    header += [] if for_job else [say("Sent by"), say("Sent by email")]
    header += [say("Job"), say("Status"), say("Sent Time")]
    if for_job:
        header.insert(0, say("Row number"))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        line: list[object] = [row.recipient, row.template, say(row.notification_type)]
        line += [] if for_job else ["", ""]  # API sends have no signed-in sender
        sent = row.created_at.astimezone(_TORONTO).strftime("%Y-%m-%d %H:%M:%S")
        line += [row.job_name, say(row.status), sent]
        if for_job:
            line.insert(0, "" if row.row_number is None else row.row_number + 1)
        writer.writerow(line)
    return out.getvalue()

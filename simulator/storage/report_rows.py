"""``reports`` rows to :class:`Report` and back, shared by the SQLite and PostgreSQL stores."""

from __future__ import annotations

from typing import Any

from simulator.domain.clock import utc_from_micros
from simulator.domain.reports import Report, ReportStatus
from simulator.storage.rows import micros, moment

__all__ = ["REPORT_COLUMNS", "REPORT_SUMMARY_COLUMNS", "report_from_row", "report_values"]

REPORT_COLUMNS = (
    "id, service_id, api_key_id, report_type, language, job_id, status, requested_at, "
    "completed_at, expires_at, content"
)
# without the CSV, for lists and reads
REPORT_SUMMARY_COLUMNS = REPORT_COLUMNS.replace("content", "NULL")


def report_values(r: Report) -> tuple[Any, ...]:
    return (
        r.id,
        r.service_id,
        r.api_key_id,
        r.report_type,
        r.language,
        r.job_id,
        r.status.value,
        micros(r.requested_at),
        micros(r.completed_at),
        micros(r.expires_at),
        r.content,
    )


def report_from_row(row: Any) -> Report:
    return Report(
        id=row[0],
        service_id=row[1],
        api_key_id=row[2],
        report_type=row[3],
        language=row[4],
        job_id=row[5],
        status=ReportStatus(row[6]),
        requested_at=utc_from_micros(row[7]),
        completed_at=moment(row[8]),
        expires_at=moment(row[9]),
        content=row[10],
    )

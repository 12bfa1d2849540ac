"""Mapping between ``jobs`` rows and :class:`Job`, shared by the SQLite and PostgreSQL stores.

A job's accepted rows are kept as one JSON array of ``[index, recipient,
personalisation]`` triples: written once, read back only to create notifications.
"""

from __future__ import annotations

from typing import Any

import orjson

from simulator.domain.clock import utc_from_micros
from simulator.domain.jobs import Job, JobRow, JobStatus
from simulator.domain.models import KeyType, NotificationType
from simulator.storage.rows import micros, moment

__all__ = [
    "DUE_JOB_CONDITION",
    "JOB_COLUMNS",
    "JOB_SUMMARY_COLUMNS",
    "job_from_row",
    "job_values",
]

JOB_COLUMNS = (
    "id, service_id, template_id, template_version, template_type, original_file_name, "
    "notification_count, job_status, api_key_id, key_type, sender_id, sender, row_data, "
    "processed_rows, scheduled_for, lease_until, created_at, updated_at, processing_started, "
    "processing_finished"
)

# the same columns without the accepted rows (up to 50,000 of them): what reads need
JOB_SUMMARY_COLUMNS = JOB_COLUMNS.replace("row_data", "'[]'")

# what a processor may take: new jobs, scheduled ones whose time has come, and jobs in
# progress whose processor has gone (its lease lapsed, or it let go on a clean stop).
# The one parameter, written {now}, is the current time in microseconds.
DUE_JOB_CONDITION = (
    "(job_status = 'pending' "
    "OR (job_status = 'scheduled' AND scheduled_for <= {now}) "
    "OR (job_status = 'in progress' AND (lease_until IS NULL OR lease_until <= {now})))"
)


def _rows_json(rows: list[JobRow]) -> str:
    return orjson.dumps([[r.index, r.recipient, r.personalisation] for r in rows]).decode()


def _rows_from_json(text: str) -> list[JobRow]:
    return [JobRow(index, recipient, values) for index, recipient, values in orjson.loads(text)]


def job_values(job: Job) -> tuple[Any, ...]:
    return (
        job.id,
        job.service_id,
        job.template_id,
        job.template_version,
        job.template_type.value,
        job.original_file_name,
        job.notification_count,
        job.job_status.value,
        job.api_key_id,
        job.key_type.value,
        job.sender_id,
        job.sender,
        _rows_json(job.rows),
        job.processed_rows,
        micros(job.scheduled_for),
        micros(job.lease_until),
        micros(job.created_at),
        micros(job.updated_at),
        micros(job.processing_started),
        micros(job.processing_finished),
    )


def job_from_row(row: Any) -> Job:
    return Job(
        id=row[0],
        service_id=row[1],
        template_id=row[2],
        template_version=row[3],
        template_type=NotificationType(row[4]),
        original_file_name=row[5],
        notification_count=row[6],
        job_status=JobStatus(row[7]),
        api_key_id=row[8],
        key_type=KeyType(row[9]),
        sender_id=row[10],
        sender=row[11],
        rows=_rows_from_json(row[12]),
        processed_rows=row[13],
        scheduled_for=moment(row[14]),
        lease_until=moment(row[15]),
        created_at=utc_from_micros(row[16]),
        updated_at=moment(row[17]),
        processing_started=moment(row[18]),
        processing_finished=moment(row[19]),
    )

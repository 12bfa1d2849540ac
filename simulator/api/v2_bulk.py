"""The wire shape of GC's bulk job (contract 3.9): the 201 body of POST /v2/notifications/bulk.

GC dumps the job with its marshmallow ``job_schema``: dates are ISO 8601 with ``+00:00``,
the key and creator are small objects, and the template is its id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from simulator.domain.jobs import BulkRules, Job

__all__ = ["job_body"]


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def job_body(
    job: Job, *, key_name: str | None, service_name: str, rules: BulkRules
) -> dict[str, Any]:
    """The job as GC's ``job_schema`` dumps it; the key is the one that sent the job."""
    return {
        "api_key": {"id": job.api_key_id, "key_type": job.key_type.value, "name": key_name},
        "archived": job.archived,
        "created_at": _iso(job.created_at),
        "created_by": {"id": rules.created_by_id, "name": rules.created_by_name},
        "id": job.id,
        "job_status": job.job_status.value,
        "notification_count": job.notification_count,
        "original_file_name": job.original_file_name,
        "processing_finished": _iso(job.processing_finished),
        "processing_started": _iso(job.processing_started),
        "scheduled_for": _iso(job.scheduled_for),
        "sender_id": job.sender_id,
        "service": job.service_id,
        "service_name": {"name": service_name},
        "template": job.template_id,
        "template_type": job.template_type.value,
        "template_version": job.template_version,
        "updated_at": _iso(job.updated_at),
    }

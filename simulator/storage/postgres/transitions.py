"""Compare-and-set status changes in PostgreSQL: the guard that makes every step happen once.

Under READ COMMITTED a second replica's UPDATE of the same row waits for the first
to commit, then re-checks the WHERE clause against the new row: the status (and the
attempts count, for claims) no longer match, so it changes nothing and reports 0.
"""

from __future__ import annotations

import json

from simulator.domain.callbacks import CallbackRecord
from simulator.domain.ports import Transition
from simulator.storage.postgres.connection import PgConnection
from simulator.storage.postgres.engine import affected
from simulator.storage.rows import micros

__all__ = ["apply_transition", "insert_callback"]

_TRANSITION = (
    "UPDATE notifications SET status = $1, updated_at = $2, next_action_at = $3, "
    "sent_at = CASE WHEN $4::boolean THEN $2 ELSE sent_at END, "
    "provider = COALESCE($5, provider), provider_reference = COALESCE($6, provider_reference), "
    "status_detail = COALESCE($7, status_detail), attempts = attempts + $8, "
    "planned_status = COALESCE($9, planned_status) "
    "WHERE id = $10 AND status = $11 AND ($12::int IS NULL OR attempts = $12)"
)

_INSERT_CALLBACK = (
    "INSERT INTO callbacks (id, service_id, kind, subject_id, payload, status, "
    "attempts, next_attempt_at, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6, $6) ON CONFLICT (id) DO NOTHING"
)


async def apply_transition(connection: PgConnection, t: Transition) -> bool:
    status = await connection.execute(
        _TRANSITION,
        t.status.value,
        micros(t.at),
        micros(t.next_action_at),
        t.set_sent_at,
        t.provider,
        t.provider_reference,
        t.detail,
        t.attempts_delta,
        t.planned_status.value if t.planned_status else None,
        t.notification_id,
        t.expected.value,
        t.expected_attempts,
    )
    applied = affected(status) == 1
    if applied and t.callback is not None:
        await insert_callback(connection, t.callback)
    return applied


async def insert_callback(connection: PgConnection, record: CallbackRecord) -> None:
    await connection.execute(
        _INSERT_CALLBACK,
        record.id,
        record.service_id,
        record.kind,
        record.subject_id,
        json.dumps(record.payload),
        micros(record.created_at),
    )

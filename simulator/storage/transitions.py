"""Compare-and-set status changes: the guard that makes every step happen once.

A guarded UPDATE: it changes the row only while it still has the expected status (and,
for claims, the expected attempts count). Under PostgreSQL's READ COMMITTED a second
replica's UPDATE of the same row waits for the first to commit, then re-checks the
WHERE clause against the new row, finds it no longer matches and changes nothing.
"""

from __future__ import annotations

import json

from simulator.domain.callbacks import CallbackRecord
from simulator.domain.ports import Transition
from simulator.storage.rows import micros
from simulator.storage.sql import Program, execute

__all__ = ["apply_transition", "insert_callback"]

_TRANSITION = (
    "UPDATE notifications SET status = :status, updated_at = :at, "
    "next_action_at = :next_action_at, "
    "sent_at = CASE WHEN :set_sent_at THEN :at ELSE sent_at END, "
    "provider = COALESCE(:provider, provider), "
    "provider_reference = COALESCE(:provider_reference, provider_reference), "
    "status_detail = COALESCE(:detail, status_detail), attempts = attempts + :attempts_delta, "
    "planned_status = COALESCE(:planned_status, planned_status) "
    "WHERE id = :id AND status = :expected "
    "AND (CAST(:expected_attempts AS INTEGER) IS NULL "
    "OR attempts = CAST(:expected_attempts AS INTEGER))"
)

_INSERT_CALLBACK = (
    "INSERT INTO callbacks (id, service_id, kind, subject_id, payload, status, "
    "attempts, next_attempt_at, created_at, updated_at) "
    "VALUES (:id, :service_id, :kind, :subject_id, :payload, 'pending', 0, :at, :at, :at) "
    "ON CONFLICT (id) DO NOTHING"
)


def apply_transition(t: Transition) -> Program[bool]:
    changed = yield execute(
        _TRANSITION,
        {
            "status": t.status.value,
            "at": micros(t.at),
            "next_action_at": micros(t.next_action_at),
            "set_sent_at": t.set_sent_at,
            "provider": t.provider,
            "provider_reference": t.provider_reference,
            "detail": t.detail,
            "attempts_delta": t.attempts_delta,
            "planned_status": t.planned_status.value if t.planned_status else None,
            "id": t.notification_id,
            "expected": t.expected.value,
            "expected_attempts": t.expected_attempts,
        },
    )
    applied: bool = changed == 1
    if applied and t.callback is not None:
        yield from insert_callback(t.callback)
    return applied


def insert_callback(record: CallbackRecord) -> Program[None]:
    yield execute(
        _INSERT_CALLBACK,
        {
            "id": record.id,
            "service_id": record.service_id,
            "kind": record.kind,
            "subject_id": record.subject_id,
            "payload": json.dumps(record.payload),
            "at": micros(record.created_at),
        },
    )

"""Compare-and-set status changes: the guard that makes every step happen once."""

from __future__ import annotations

import json
import sqlite3

from simulator.domain.callbacks import CallbackRecord
from simulator.domain.ports import Transition
from simulator.storage.rows import micros

__all__ = ["apply_transition", "insert_callback"]


def apply_transition(connection: sqlite3.Connection, t: Transition) -> bool:
    at = micros(t.at)
    cursor = connection.execute(
        "UPDATE notifications SET status = ?, updated_at = ?, next_action_at = ?, "
        "sent_at = CASE WHEN ? THEN ? ELSE sent_at END, "
        "provider = COALESCE(?, provider), provider_reference = COALESCE(?, provider_reference), "
        "status_detail = COALESCE(?, status_detail), attempts = attempts + ?, "
        "planned_status = COALESCE(?, planned_status) "
        "WHERE id = ? AND status = ? AND (? IS NULL OR attempts = ?)",
        (
            t.status.value,
            at,
            micros(t.next_action_at),
            int(t.set_sent_at),
            at,
            t.provider,
            t.provider_reference,
            t.detail,
            t.attempts_delta,
            t.planned_status.value if t.planned_status else None,
            t.notification_id,
            t.expected.value,
            t.expected_attempts,
            t.expected_attempts,
        ),
    )
    applied = cursor.rowcount == 1
    if applied and t.callback is not None:
        insert_callback(connection, t.callback)
    return applied


def insert_callback(connection: sqlite3.Connection, record: CallbackRecord) -> None:
    at = micros(record.created_at)
    connection.execute(
        "INSERT OR IGNORE INTO callbacks (id, service_id, kind, subject_id, payload, status, "
        "attempts, next_attempt_at, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)",
        (
            record.id,
            record.service_id,
            record.kind,
            record.subject_id,
            json.dumps(record.payload),
            at,
            at,
            at,
        ),
    )

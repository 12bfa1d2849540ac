"""Compare-and-set status changes: the guard that makes every step happen once."""

from __future__ import annotations

import sqlite3

from simulator.domain.ports import Transition
from simulator.storage.rows import micros

__all__ = ["apply_transition"]


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
    return cursor.rowcount == 1

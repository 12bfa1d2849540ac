"""The inspection view: every notification with what was rendered and handed over."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from simulator.domain.ports import InspectionQuery, InspectionRow
from simulator.storage.rows import NOTIFICATION_COLUMNS, micros, notification_from_row
from simulator.storage.sqlite_engine import SqliteEngine

__all__ = ["SqliteInspection"]

_N_COLUMNS = ", ".join(f"n.{c.strip()}" for c in NOTIFICATION_COLUMNS.split(","))
_M_COLUMNS = "m.provider, m.sender, m.body, m.html, m.fragment_count"


def _where(query: InspectionQuery) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in (
        ("n.id", query.notification_id),
        ("n.service_id", query.service_id),
        ("n.key_type", query.key_type),
        ("n.reference", query.reference),
        ("n.status", query.status),
        ("n.template_id", query.template_id),
        ("n.notification_type", query.channel),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if query.recipient is not None:
        clauses.append("(n.to_address = ? OR n.normalised_to = ?)")
        params.extend([query.recipient, query.normalised_recipient or query.recipient])
    if query.since is not None:
        clauses.append("n.created_at >= ?")
        params.append(micros(query.since))
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params


class SqliteInspection:
    def __init__(self, engine: SqliteEngine) -> None:
        self._engine = engine

    async def find(self, query: InspectionQuery) -> list[InspectionRow]:
        where, params = _where(query)
        sql = (
            f"SELECT {_N_COLUMNS}, {_M_COLUMNS} FROM notifications n "
            f"LEFT JOIN messages m ON m.notification_id = n.id {where} "
            "ORDER BY n.created_at DESC LIMIT ?"
        )
        params.append(query.limit)

        def run(c: sqlite3.Connection) -> list[tuple[Any, ...]]:
            return c.execute(sql, params).fetchall()

        width = len(NOTIFICATION_COLUMNS.split(","))
        return [
            InspectionRow(notification_from_row(row[:width]), *row[width:])
            for row in await self._engine.read(run)
        ]

    async def delete(self, query: InspectionQuery) -> int:
        where, params = _where(query)
        ids_sql = f"SELECT n.id FROM notifications n {where}"

        def run(c: sqlite3.Connection) -> int:
            ids = [row[0] for row in c.execute(ids_sql, params).fetchall()]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                c.execute(f"DELETE FROM messages WHERE notification_id IN ({marks})", chunk)
                c.execute(f"DELETE FROM callbacks WHERE subject_id IN ({marks})", chunk)
                c.execute(f"DELETE FROM notifications WHERE id IN ({marks})", chunk)
            return len(ids)

        return await self._engine.write(run)

    async def delete_received_texts(self, service_id: str | None) -> int:
        def run(c: sqlite3.Connection) -> int:
            if service_id is None:
                return c.execute("DELETE FROM received_texts").rowcount
            return c.execute(
                "DELETE FROM received_texts WHERE service_id = ?", (service_id,)
            ).rowcount

        return await self._engine.write(run)

    async def purge_service_before(self, service_id: str, moment: datetime) -> int:
        cutoff = micros(moment)

        def run(c: sqlite3.Connection) -> int:
            removed = c.execute(
                "DELETE FROM notifications WHERE service_id = ? AND created_at < ? "
                "AND next_action_at IS NULL",
                (service_id, cutoff),
            ).rowcount
            c.execute(
                "DELETE FROM messages WHERE service_id = ? AND created_at < ?", (service_id, cutoff)
            )
            c.execute(
                "DELETE FROM received_texts WHERE service_id = ? AND created_at < ?",
                (service_id, cutoff),
            )
            c.execute(
                "DELETE FROM callbacks WHERE service_id = ? AND created_at < ? "
                "AND next_attempt_at IS NULL",
                (service_id, cutoff),
            )
            return removed

        return await self._engine.write(run)

"""The inspection view in PostgreSQL: every notification with what was handed over."""

from __future__ import annotations

from datetime import datetime

from simulator.domain.ports import InspectionQuery, InspectionRow
from simulator.storage.postgres.connection import PgConnection
from simulator.storage.postgres.engine import PostgresEngine, affected
from simulator.storage.postgres.sql import Params
from simulator.storage.rows import NOTIFICATION_COLUMNS, micros, notification_from_row

__all__ = ["InspectionQuery", "InspectionRow", "PostgresInspection"]

_N_COLUMNS = ", ".join(f"n.{c.strip()}" for c in NOTIFICATION_COLUMNS.split(","))
_M_COLUMNS = "m.provider, m.sender, m.body, m.html, m.fragment_count"
_WIDTH = len(NOTIFICATION_COLUMNS.split(","))


def _where(query: InspectionQuery, p: Params) -> str:
    clauses: list[str] = []
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
            clauses.append(f"{column} = {p.add(value)}")
    if query.recipient is not None:
        normalised = query.normalised_recipient or query.recipient
        clauses.append(
            f"(n.to_address = {p.add(query.recipient)} OR n.normalised_to = {p.add(normalised)})"
        )
    if query.since is not None:
        clauses.append(f"n.created_at >= {p.add(micros(query.since))}")
    return f"WHERE {' AND '.join(clauses)}" if clauses else ""


class PostgresInspection:
    def __init__(self, engine: PostgresEngine) -> None:
        self._engine = engine

    async def find(self, query: InspectionQuery) -> list[InspectionRow]:
        p = Params()
        where = _where(query, p)
        sql = (
            f"SELECT {_N_COLUMNS}, {_M_COLUMNS} FROM notifications n "
            f"LEFT JOIN messages m ON m.notification_id = n.id {where} "
            f"ORDER BY n.created_at DESC LIMIT {p.add(query.limit)}"
        )
        rows = await self._engine.read(lambda c: c.fetch(sql, *p.values))
        return [InspectionRow(notification_from_row(row[:_WIDTH]), *row[_WIDTH:]) for row in rows]

    async def delete(self, query: InspectionQuery) -> int:
        p = Params()
        ids_sql = f"SELECT n.id FROM notifications n {_where(query, p)}"

        async def run(c: PgConnection) -> int:
            ids = [row[0] for row in await c.fetch(ids_sql, *p.values)]
            if ids:
                # one array parameter instead of SQLite's chunks of 500 placeholders
                await c.execute("DELETE FROM messages WHERE notification_id = ANY($1)", ids)
                await c.execute("DELETE FROM callbacks WHERE subject_id = ANY($1)", ids)
                await c.execute("DELETE FROM notifications WHERE id = ANY($1)", ids)
            return len(ids)

        return await self._engine.write(run)

    async def delete_received_texts(self, service_id: str | None) -> int:
        async def run(c: PgConnection) -> int:
            if service_id is None:
                status = await c.execute("DELETE FROM received_texts")
            else:
                status = await c.execute(
                    "DELETE FROM received_texts WHERE service_id = $1", service_id
                )
            return int(status.split()[-1])

        return await self._engine.write(run)

    async def purge_service_before(self, service_id: str, moment: datetime) -> int:
        cutoff = micros(moment)

        async def run(c: PgConnection) -> int:
            removed = await c.execute(
                "DELETE FROM notifications WHERE service_id = $1 AND created_at < $2 "
                "AND next_action_at IS NULL",
                service_id,
                cutoff,
            )
            for sql in (
                "DELETE FROM messages WHERE service_id = $1 AND created_at < $2",
                "DELETE FROM received_texts WHERE service_id = $1 AND created_at < $2",
                "DELETE FROM callbacks WHERE service_id = $1 AND created_at < $2 "
                "AND next_attempt_at IS NULL",
            ):
                await c.execute(sql, service_id, cutoff)
            return affected(removed)

        return await self._engine.write(run)

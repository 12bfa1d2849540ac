"""The inspection view: every notification with what was rendered and handed over."""

from __future__ import annotations

from datetime import datetime

from simulator.domain.clock import Clock, SandboxClock
from simulator.domain.ports import InspectionQuery, InspectionRow
from simulator.storage.dialect import Dialect
from simulator.storage.rows import NOTIFICATION_COLUMNS, micros, notification_from_row
from simulator.storage.sql import Database, Program, execute, fetch
from simulator.storage.timelines import read_columns, visible_status

__all__ = ["InspectionQueries"]

# as a reader sees them at :now (storage/timelines.py: timelines stored once)
_N_COLUMNS = read_columns("n.")
_M_COLUMNS = "m.provider, m.sender, m.body, m.html, m.fragment_count"
_WIDTH = len(NOTIFICATION_COLUMNS.split(","))


def _where(query: InspectionQuery) -> tuple[str, dict[str, object]]:
    clauses: list[str] = []
    params: dict[str, object] = {}
    for column, value in (
        ("id", query.notification_id),
        ("service_id", query.service_id),
        ("key_type", query.key_type),
        ("reference", query.reference),
        ("template_id", query.template_id),
        ("notification_type", query.channel),
    ):
        if value is not None:
            clauses.append(f"n.{column} = :{column}")
            params[column] = value
    if query.status is not None:
        clauses.append(f"({visible_status('n.')}) = :status")
        params["status"] = query.status
    if query.recipient is not None:
        clauses.append("(n.to_address = :recipient OR n.normalised_to = :normalised)")
        params["recipient"] = query.recipient
        params["normalised"] = query.normalised_recipient or query.recipient
    if query.since is not None:
        clauses.append("n.created_at >= :since")
        params["since"] = micros(query.since)
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params


def _delete(where: str, params: dict[str, object], d: Dialect) -> Program[int]:
    ids = [row[0] for row in (yield fetch(f"SELECT n.id FROM notifications n {where}", params))]
    if ids:
        # one list parameter, however many rows
        chosen = {"ids": d.values(ids)}
        yield execute(f"DELETE FROM messages WHERE {d.member('notification_id', 'ids')}", chosen)
        yield execute(f"DELETE FROM callbacks WHERE {d.member('subject_id', 'ids')}", chosen)
        yield execute(f"DELETE FROM notifications WHERE {d.member('id', 'ids')}", chosen)
    return len(ids)


def _purge_service(service_id: str, cutoff: int | None) -> Program[int]:
    params = {"service_id": service_id, "cutoff": cutoff}
    removed: int = yield execute(
        "DELETE FROM notifications WHERE service_id = :service_id AND created_at < :cutoff "
        "AND next_action_at IS NULL",
        params,
    )
    for sql in (
        "DELETE FROM messages WHERE service_id = :service_id AND created_at < :cutoff",
        "DELETE FROM received_texts WHERE service_id = :service_id AND created_at < :cutoff",
        "DELETE FROM callbacks WHERE service_id = :service_id AND created_at < :cutoff "
        "AND next_attempt_at IS NULL",
    ):
        yield execute(sql, params)
    return removed


class InspectionQueries:
    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self._clock = clock or SandboxClock()

    async def find(self, query: InspectionQuery) -> list[InspectionRow]:
        where, params = _where(query)
        rows = await self._db.rows(
            f"SELECT {_N_COLUMNS}, {_M_COLUMNS} FROM notifications n "
            f"LEFT JOIN messages m ON m.notification_id = n.id {where} "
            "ORDER BY n.created_at DESC LIMIT :limit",
            params | {"limit": query.limit, "now": micros(self._clock.now())},
        )
        return [InspectionRow(notification_from_row(row[:_WIDTH]), *row[_WIDTH:]) for row in rows]

    async def delete(self, query: InspectionQuery) -> int:
        where, params = _where(query)
        params["now"] = micros(self._clock.now())  # a status filter is on what is seen
        dialect = self._db.dialect
        return await self._db.write(lambda: _delete(where, params, dialect))

    async def delete_received_texts(self, service_id: str | None) -> int:
        if service_id is None:
            return await self._db.run("DELETE FROM received_texts", {})
        return await self._db.run(
            "DELETE FROM received_texts WHERE service_id = :service_id", {"service_id": service_id}
        )

    async def purge_service_before(self, service_id: str, moment: datetime) -> int:
        cutoff = micros(moment)
        return await self._db.write(lambda: _purge_service(service_id, cutoff))

"""GC reports in SQLite (part of SqliteStore): store, list, finish, and the hourly count."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from simulator.domain.clock import utc_from_micros
from simulator.domain.reports import Report
from simulator.storage.report_rows import (
    REPORT_COLUMNS,
    REPORT_SUMMARY_COLUMNS,
    report_from_row,
    report_values,
)
from simulator.storage.rows import micros
from simulator.storage.sqlite_engine import SqliteEngine

__all__ = ["SqliteReportQueries"]

_PLACEHOLDERS = ", ".join("?" * len(REPORT_COLUMNS.split(",")))


class SqliteReportQueries:
    engine: SqliteEngine

    async def add_report(self, report: Report) -> None:
        values = report_values(report)
        await self.engine.write(
            lambda c: c.execute(
                f"INSERT INTO reports ({REPORT_COLUMNS}) VALUES ({_PLACEHOLDERS})", values
            )
        )

    async def get_report(
        self, service_id: str, report_id: str, *, with_content: bool = False
    ) -> Report | None:
        columns = REPORT_COLUMNS if with_content else REPORT_SUMMARY_COLUMNS

        def run(c: sqlite3.Connection) -> Any:
            return c.execute(
                f"SELECT {columns} FROM reports WHERE id = ? AND service_id = ?",
                (report_id, service_id),
            ).fetchone()

        row = await self.engine.read(run)
        return report_from_row(row) if row else None

    async def list_reports(
        self, service_id: str, older_than: str | None, limit: int
    ) -> list[Report]:
        """Newest first; an unknown ``older_than`` gives an empty page."""
        sql = f"SELECT {REPORT_SUMMARY_COLUMNS} FROM reports WHERE service_id = ?"
        params: list[object] = [service_id]
        if older_than is not None:
            sql += (
                " AND requested_at < COALESCE((SELECT requested_at FROM reports WHERE id = ?), -1)"
            )
            params.append(older_than)
        sql += " ORDER BY requested_at DESC, id DESC LIMIT ?"
        params.append(limit)

        def run(c: sqlite3.Connection) -> list[tuple[object, ...]]:
            return c.execute(sql, params).fetchall()

        return [report_from_row(r) for r in await self.engine.read(run)]

    async def report_requests_since(self, service_id: str, since: datetime) -> list[datetime]:
        """When the service's API reports were requested from ``since`` on, oldest first."""

        def run(c: sqlite3.Connection) -> list[tuple[int]]:
            return c.execute(
                "SELECT requested_at FROM reports WHERE service_id = ? AND requested_at > ? "
                "AND api_key_id IS NOT NULL ORDER BY requested_at",
                (service_id, micros(since)),
            ).fetchall()

        return [utc_from_micros(r[0]) for r in await self.engine.read(run)]

    async def finish_report(self, report: Report) -> bool:
        """Requested -> ready (or error) with its CSV; False if someone else finished it."""
        params = (
            report.status.value,
            micros(report.expires_at),
            report.content,
            report.id,
        )
        sql = (
            "UPDATE reports SET status = ?, expires_at = ?, content = ? "
            "WHERE id = ? AND status = 'requested'"
        )
        return bool(await self.engine.write(lambda c: c.execute(sql, params).rowcount))

"""GC reports in PostgreSQL (part of PostgresStore), as in SQLite (storage/sqlite_reports.py)."""

from __future__ import annotations

from datetime import datetime

from simulator.domain.clock import utc_from_micros
from simulator.domain.reports import Report
from simulator.storage.postgres.engine import PostgresEngine, affected
from simulator.storage.postgres.sql import placeholders
from simulator.storage.report_rows import (
    REPORT_COLUMNS,
    REPORT_SUMMARY_COLUMNS,
    report_from_row,
    report_values,
)
from simulator.storage.rows import micros

__all__ = ["ReportQueries"]

_PLACEHOLDERS = placeholders(len(REPORT_COLUMNS.split(",")))


class ReportQueries:
    engine: PostgresEngine

    async def add_report(self, report: Report) -> None:
        values = report_values(report)
        await self.engine.write(
            lambda c: c.execute(
                f"INSERT INTO reports ({REPORT_COLUMNS}) VALUES ({_PLACEHOLDERS})", *values
            )
        )

    async def get_report(
        self, service_id: str, report_id: str, *, with_content: bool = False
    ) -> Report | None:
        columns = REPORT_COLUMNS if with_content else REPORT_SUMMARY_COLUMNS
        row = await self.engine.read(
            lambda c: c.fetchrow(
                f"SELECT {columns} FROM reports WHERE id = $1 AND service_id = $2",
                report_id,
                service_id,
            )
        )
        return report_from_row(row) if row else None

    async def list_reports(
        self, service_id: str, older_than: str | None, limit: int
    ) -> list[Report]:
        """Newest first; an unknown ``older_than`` gives an empty page."""
        sql = f"SELECT {REPORT_SUMMARY_COLUMNS} FROM reports WHERE service_id = $1"
        params: list[object] = [service_id]
        if older_than is not None:
            sql += (
                " AND requested_at < COALESCE((SELECT requested_at FROM reports WHERE id = $2), -1)"
            )
            params.append(older_than)
        sql += f" ORDER BY requested_at DESC, id DESC LIMIT ${len(params) + 1}"
        params.append(limit)
        rows = await self.engine.read(lambda c: c.fetch(sql, *params))
        return [report_from_row(r) for r in rows]

    async def report_requests_since(self, service_id: str, since: datetime) -> list[datetime]:
        """When the service's API reports were requested from ``since`` on, oldest first."""
        rows = await self.engine.read(
            lambda c: c.fetch(
                "SELECT requested_at FROM reports WHERE service_id = $1 AND requested_at > $2 "
                "AND api_key_id IS NOT NULL ORDER BY requested_at",
                service_id,
                micros(since),
            )
        )
        return [utc_from_micros(r[0]) for r in rows]

    async def finish_report(self, report: Report) -> bool:
        """Requested -> ready (or error) with its CSV; False if someone else finished it."""
        status = await self.engine.write(
            lambda c: c.execute(
                "UPDATE reports SET status = $1, expires_at = $2, content = $3 "
                "WHERE id = $4 AND status = 'requested'",
                report.status.value,
                micros(report.expires_at),
                report.content,
                report.id,
            )
        )
        return affected(status) == 1

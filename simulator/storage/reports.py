"""GC reports (part of the store, both backends): store, list, finish, and the hourly count."""

from __future__ import annotations

from datetime import datetime

from simulator.domain.clock import utc_from_micros
from simulator.domain.reports import Report
from simulator.storage.report_rows import (
    REPORT_COLUMNS,
    REPORT_SUMMARY_COLUMNS,
    report_from_row,
    report_values,
)
from simulator.storage.rows import by_name, micros
from simulator.storage.sql import Database, named

__all__ = ["ReportQueries"]


class ReportQueries:
    _db: Database

    async def add_report(self, report: Report) -> None:
        await self._db.run(
            f"INSERT INTO reports ({REPORT_COLUMNS}) VALUES ({named(REPORT_COLUMNS)})",
            by_name(REPORT_COLUMNS, report_values(report)),
        )

    async def get_report(
        self, service_id: str, report_id: str, *, with_content: bool = False
    ) -> Report | None:
        columns = REPORT_COLUMNS if with_content else REPORT_SUMMARY_COLUMNS
        row = await self._db.row(
            f"SELECT {columns} FROM reports WHERE id = :id AND service_id = :service_id",
            {"id": report_id, "service_id": service_id},
        )
        return report_from_row(row) if row else None

    async def list_reports(
        self, service_id: str, older_than: str | None, limit: int
    ) -> list[Report]:
        """Newest first; an unknown ``older_than`` gives an empty page."""
        sql = f"SELECT {REPORT_SUMMARY_COLUMNS} FROM reports WHERE service_id = :service_id"
        params: dict[str, object] = {"service_id": service_id, "limit": limit}
        if older_than is not None:
            sql += (
                " AND requested_at < "
                "COALESCE((SELECT requested_at FROM reports WHERE id = :older_than), -1)"
            )
            params["older_than"] = older_than
        rows = await self._db.rows(
            sql + " ORDER BY requested_at DESC, id DESC LIMIT :limit", params
        )
        return [report_from_row(r) for r in rows]

    async def report_requests_since(self, service_id: str, since: datetime) -> list[datetime]:
        """When the service's API reports were requested from ``since`` on, oldest first."""
        rows = await self._db.rows(
            "SELECT requested_at FROM reports WHERE service_id = :service_id "
            "AND requested_at > :since AND api_key_id IS NOT NULL ORDER BY requested_at",
            {"service_id": service_id, "since": micros(since)},
        )
        return [utc_from_micros(r[0]) for r in rows]

    async def finish_report(self, report: Report) -> bool:
        """Requested -> ready (or error) with its CSV; False if someone else finished it."""
        changed = await self._db.run(
            "UPDATE reports SET status = :status, expires_at = :expires_at, content = :content "
            "WHERE id = :id AND status = 'requested'",
            {
                "status": report.status.value,
                "expires_at": micros(report.expires_at),
                "content": report.content,
                "id": report.id,
            },
        )
        return changed == 1

    async def delete_reports(self, service_id: str | None) -> int:
        if service_id is None:
            return await self._db.run("DELETE FROM reports", {})
        return await self._db.run(
            "DELETE FROM reports WHERE service_id = :service_id", {"service_id": service_id}
        )

"""Daily counter snapshots (per-key request counts that notifications cannot rebuild)."""

from __future__ import annotations

from simulator.storage.sql import Database

__all__ = ["CounterQueries"]


class CounterQueries:
    _db: Database

    async def save_day_counters(self, rows: list[tuple[str, str, str, int]]) -> None:
        """(scope, day, name, count) snapshots; the latest figure wins."""
        # sorted so two replicas saving at once lock the rows in the same order
        await self._db.run_many(
            "INSERT INTO day_counters (scope, day, name, count) "
            "VALUES (:scope, :day, :name, :count) "
            "ON CONFLICT (scope, day, name) DO UPDATE SET count = excluded.count",
            [
                {"scope": scope, "day": day, "name": name, "count": count}
                for scope, day, name, count in sorted(rows)
            ],
        )

    async def load_day_counters(self, day: str) -> list[tuple[str, str, str, int]]:
        rows = await self._db.rows(
            "SELECT scope, day, name, count FROM day_counters WHERE day = :day", {"day": day}
        )
        return [(str(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]

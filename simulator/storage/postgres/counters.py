"""Daily counter snapshots in PostgreSQL (part of PostgresStore), as in SQLite."""

from __future__ import annotations

from simulator.storage.postgres.engine import PostgresEngine

__all__ = ["CounterQueries"]


class CounterQueries:
    engine: PostgresEngine

    async def save_day_counters(self, rows: list[tuple[str, str, str, int]]) -> None:
        """(scope, day, name, count) snapshots; the latest figure wins."""
        if not rows:
            return
        # sorted so two replicas saving at once lock the rows in the same order
        ordered = sorted(rows)
        await self.engine.write(
            lambda c: c.executemany(
                "INSERT INTO day_counters VALUES ($1, $2, $3, $4) "
                "ON CONFLICT (scope, day, name) DO UPDATE SET count = excluded.count",
                ordered,
            )
        )

    async def load_day_counters(self, day: str) -> list[tuple[str, str, str, int]]:
        rows = await self.engine.read(
            lambda c: c.fetch(
                "SELECT scope, day, name, count FROM day_counters WHERE day = $1", day
            )
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]

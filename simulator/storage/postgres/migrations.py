"""The PostgreSQL schema files, applied in order under an advisory lock.

Several replicas may start at once against an empty database; the lock makes the
second one wait until the first has finished, then find nothing left to apply.
"""

from __future__ import annotations

from simulator.storage.dialect import POSTGRES
from simulator.storage.migrations import latest_version, schema_files
from simulator.storage.postgres.connection import PgConnection

__all__ = ["MIGRATION_LOCK", "apply_postgres_migrations", "latest_version", "recorded_versions"]

# any fixed 64-bit number works; this one spells "NOTIFYSB"
MIGRATION_LOCK = 0x4E4F5449_46595342


async def apply_postgres_migrations(connection: PgConnection) -> list[str]:
    """Apply every pending schema file; returns the versions this call applied."""
    await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
    try:
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_versions ("
            "version TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        done = {row[0] for row in await connection.fetch("SELECT version FROM schema_versions")}
        applied = []
        for version, sql in schema_files(POSTGRES):
            if version in done:
                continue
            # a file and its record commit together, so a crash never half-applies one
            async with connection.transaction():
                await connection.execute(sql)
                await connection.execute(
                    "INSERT INTO schema_versions (version) VALUES ($1)", version
                )
            applied.append(version)
        return applied
    finally:
        await connection.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)


async def recorded_versions(connection: PgConnection) -> list[str]:
    return [row[0] for row in await connection.fetch("SELECT version FROM schema_versions")]

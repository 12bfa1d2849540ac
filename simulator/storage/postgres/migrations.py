"""The PostgreSQL schema files, applied in order under an advisory lock.

Several replicas may start at once against an empty database; the lock makes the
second one wait until the first has finished, then find nothing left to apply.
"""

from __future__ import annotations

from importlib import resources

from simulator.storage.postgres.connection import PgConnection

__all__ = [
    "MIGRATION_LOCK",
    "apply_postgres_migrations",
    "latest_version",
    "recorded_versions",
    "schema_files",
]

# any fixed 64-bit number works; this one spells "NOTIFYSB"
MIGRATION_LOCK = 0x4E4F5449_46595342


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.removesuffix(".sql").split("."))


def schema_files() -> list[tuple[str, str]]:
    """(version, sql) pairs in version order."""
    folder = resources.files("simulator.storage.postgres").joinpath("schema")
    names = sorted(
        (entry.name for entry in folder.iterdir() if entry.name.endswith(".sql")),
        key=version_key,
    )
    return [(name.removesuffix(".sql"), folder.joinpath(name).read_text("utf-8")) for name in names]


def latest_version(versions: list[str]) -> str | None:
    # by number, not as text: "1.10.0" comes after "1.9.0"
    return max(versions, key=version_key) if versions else None


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
        for version, sql in schema_files():
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

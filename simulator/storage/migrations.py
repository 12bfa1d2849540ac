"""Versioned schema files (one tree for both backends), applied in order and recorded."""

from __future__ import annotations

import sqlite3
from importlib import resources

from simulator.storage.dialect import SQLITE, Dialect

__all__ = ["apply_sqlite_migrations", "latest_version", "schema_files", "version_key"]


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.removesuffix(".sql").split("."))


def latest_version(versions: list[str]) -> str | None:
    # by number, not as text: "1.10.0" comes after "1.9.0"
    return max(versions, key=version_key) if versions else None


def schema_files(dialect: Dialect = SQLITE) -> list[tuple[str, str]]:
    """(version, sql) pairs in version order, written in the dialect's type names."""
    folder = resources.files("simulator.storage").joinpath("schema")
    names = sorted(
        (entry.name for entry in folder.iterdir() if entry.name.endswith(".sql")),
        key=version_key,
    )
    return [
        (name.removesuffix(".sql"), dialect.ddl(folder.joinpath(name).read_text("utf-8")))
        for name in names
    ]


def apply_sqlite_migrations(connection: sqlite3.Connection) -> list[str]:
    connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_versions (version TEXT PRIMARY KEY, applied_at TEXT)"
    )
    done = {row[0] for row in connection.execute("SELECT version FROM schema_versions")}
    applied = []
    for version, sql in schema_files(SQLITE):
        if version in done:
            continue
        connection.executescript(f"BEGIN;\n{sql}\nCOMMIT;")
        connection.execute("INSERT INTO schema_versions VALUES (?, datetime('now'))", (version,))
        connection.commit()
        applied.append(version)
    return applied

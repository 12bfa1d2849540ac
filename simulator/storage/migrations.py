"""Versioned schema files, applied in order and recorded (as Mailpit does)."""

from __future__ import annotations

import sqlite3
from importlib import resources

__all__ = ["apply_sqlite_migrations", "schema_files"]


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.removesuffix(".sql").split("."))


def schema_files() -> list[tuple[str, str]]:
    """(version, sql) pairs in version order."""
    folder = resources.files("simulator.storage").joinpath("schema")
    names = sorted(
        (entry.name for entry in folder.iterdir() if entry.name.endswith(".sql")),
        key=_version_key,
    )
    return [(name.removesuffix(".sql"), folder.joinpath(name).read_text("utf-8")) for name in names]


def apply_sqlite_migrations(connection: sqlite3.Connection) -> list[str]:
    connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_versions (version TEXT PRIMARY KEY, applied_at TEXT)"
    )
    done = {row[0] for row in connection.execute("SELECT version FROM schema_versions")}
    applied = []
    for version, sql in schema_files():
        if version in done:
            continue
        connection.executescript(f"BEGIN;\n{sql}\nCOMMIT;")
        connection.execute("INSERT INTO schema_versions VALUES (?, datetime('now'))", (version,))
        connection.commit()
        applied.append(version)
    return applied

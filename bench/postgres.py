"""A throw-away PostgreSQL database for the PostgreSQL scenarios, on 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator

import asyncpg

__all__ = ["ADMIN_URLS", "backend_pids", "postgres_database"]

# an administrative database, used only to create and drop the bench's own
ADMIN_URLS = (
    "postgresql://postgres@127.0.0.1:5432/postgres",
    "postgresql://root@127.0.0.1:5432/postgres",
)


def backend_pids(database: str) -> list[int]:
    """PostgreSQL's server processes for one database, found by their process titles
    ("postgres: user database host(port) state"), without a connection of our own."""
    marker = f" {database} ".encode()
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/cmdline", "rb") as handle:
                title = handle.read(200)
        except OSError:
            continue
        if title.startswith(b"postgres:") and marker in title:
            found.append(int(entry.name))
    return found


async def _admin() -> tuple[asyncpg.Connection | None, str, str]:
    configured = os.environ.get("SANDBOX_BENCH_POSTGRES_URL")
    reasons = []
    for url in (configured,) if configured else ADMIN_URLS:
        try:
            return await asyncpg.connect(url, timeout=5), url, ""
        except (OSError, asyncpg.PostgresError, TimeoutError) as error:
            reasons.append(f"{url.split('@')[-1]}: {type(error).__name__}")
    return None, "", "; ".join(reasons)


@contextlib.asynccontextmanager
async def postgres_database() -> AsyncIterator[tuple[str | None, str]]:
    """(URL of a fresh database, dropped afterwards; or None and why none could be made)."""
    name = f"sandbox_bench_{uuid.uuid4().hex[:12]}"
    connection, url, reason = await _admin()
    if connection is None:
        yield None, f"no PostgreSQL on 127.0.0.1:5432 ({reason})"
        return
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}", ""
    finally:
        connection, _, _ = await _admin()
        if connection is not None:
            try:
                await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await connection.close()

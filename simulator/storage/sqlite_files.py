"""Kept files (letter PDFs, documents, attachments) in SQLite; the bytes are stored as given."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from simulator.domain.clock import utc_from_micros
from simulator.domain.ports import StoredFile
from simulator.storage.rows import micros, moment
from simulator.storage.sqlite_engine import SqliteEngine

__all__ = ["FILE_COLUMNS", "SqliteFileStore", "file_from_row", "file_values"]

FILE_COLUMNS = "id, kind, service_id, notification_id, content, meta, created_at, expires_at"


def file_values(f: StoredFile) -> tuple[Any, ...]:
    return (
        f.id,
        f.kind,
        f.service_id,
        f.notification_id,
        f.content,
        json.dumps(dict(f.meta)),
        micros(f.created_at),
        micros(f.expires_at),
    )


def file_from_row(row: Any) -> StoredFile:
    return StoredFile(
        id=row[0],
        kind=row[1],
        service_id=row[2],
        notification_id=row[3],
        content=bytes(row[4]),
        meta=json.loads(row[5]),
        created_at=utc_from_micros(row[6]),
        expires_at=moment(row[7]),
    )


class SqliteFileStore:
    def __init__(self, engine: SqliteEngine) -> None:
        self._engine = engine

    async def put_file(self, file: StoredFile) -> None:
        values = file_values(file)
        await self._engine.write(
            lambda c: c.execute(
                f"INSERT OR REPLACE INTO files ({FILE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
        )

    async def get_file(self, kind: str, file_id: str) -> StoredFile | None:
        def run(c: sqlite3.Connection) -> StoredFile | None:
            row = c.execute(
                f"SELECT {FILE_COLUMNS} FROM files WHERE kind = ? AND id = ?", (kind, file_id)
            ).fetchone()
            return file_from_row(row) if row else None

        return await self._engine.read(run)

    async def files_for(self, notification_id: str) -> list[StoredFile]:
        def run(c: sqlite3.Connection) -> list[StoredFile]:
            rows = c.execute(
                f"SELECT {FILE_COLUMNS} FROM files WHERE notification_id = ? ORDER BY kind, id",
                (notification_id,),
            ).fetchall()
            return [file_from_row(r) for r in rows]

        return await self._engine.read(run)

    async def delete_expired_files(self, now: datetime) -> int:
        at = micros(now)
        return await self._engine.write(
            lambda c: (
                c.execute(
                    "DELETE FROM files WHERE expires_at IS NOT NULL AND expires_at <= ?", (at,)
                ).rowcount
            )
        )

"""Kept files (letter PDFs, documents, attachments), both backends; the bytes are kept as given."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from simulator.domain.clock import utc_from_micros
from simulator.domain.ports import StoredFile
from simulator.storage.rows import by_name, micros, moment
from simulator.storage.sql import Database, named

__all__ = ["FILE_COLUMNS", "FileQueries", "file_from_row", "file_values"]

FILE_COLUMNS = "id, kind, service_id, notification_id, content, meta, created_at, expires_at"
_UPSERT = (
    f"INSERT INTO files ({FILE_COLUMNS}) VALUES ({named(FILE_COLUMNS)}) "
    "ON CONFLICT (kind, id) DO UPDATE SET service_id = excluded.service_id, "
    "notification_id = excluded.notification_id, content = excluded.content, "
    "meta = excluded.meta, created_at = excluded.created_at, expires_at = excluded.expires_at"
)


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


class FileQueries:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def put_file(self, file: StoredFile) -> None:
        await self._db.run(_UPSERT, by_name(FILE_COLUMNS, file_values(file)))

    async def get_file(self, kind: str, file_id: str) -> StoredFile | None:
        row = await self._db.row(
            f"SELECT {FILE_COLUMNS} FROM files WHERE kind = :kind AND id = :id",
            {"kind": kind, "id": file_id},
        )
        return file_from_row(row) if row else None

    async def files_for(self, notification_id: str) -> list[StoredFile]:
        rows = await self._db.rows(
            f"SELECT {FILE_COLUMNS} FROM files WHERE notification_id = :notification_id "
            "ORDER BY kind, id",
            {"notification_id": notification_id},
        )
        return [file_from_row(r) for r in rows]

    async def delete_expired_files(self, now: datetime) -> int:
        return await self._db.run(
            "DELETE FROM files WHERE expires_at IS NOT NULL AND expires_at <= :now",
            {"now": micros(now)},
        )

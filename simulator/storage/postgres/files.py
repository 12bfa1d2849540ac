"""Kept files (letter PDFs, documents, attachments) in PostgreSQL; the bytes are kept as given."""

from __future__ import annotations

from datetime import datetime

from simulator.domain.ports import StoredFile
from simulator.storage.postgres.engine import PostgresEngine
from simulator.storage.rows import micros
from simulator.storage.sqlite_files import FILE_COLUMNS, file_from_row, file_values

__all__ = ["PostgresFileStore"]

_UPSERT = (
    f"INSERT INTO files ({FILE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
    "ON CONFLICT (kind, id) DO UPDATE SET service_id = excluded.service_id, "
    "notification_id = excluded.notification_id, content = excluded.content, "
    "meta = excluded.meta, created_at = excluded.created_at, expires_at = excluded.expires_at"
)


class PostgresFileStore:
    def __init__(self, engine: PostgresEngine) -> None:
        self._engine = engine

    async def put_file(self, file: StoredFile) -> None:
        values = file_values(file)
        await self._engine.write(lambda c: c.execute(_UPSERT, *values))

    async def get_file(self, kind: str, file_id: str) -> StoredFile | None:
        row = await self._engine.read(
            lambda c: c.fetchrow(
                f"SELECT {FILE_COLUMNS} FROM files WHERE kind = $1 AND id = $2", kind, file_id
            )
        )
        return file_from_row(row) if row else None

    async def files_for(self, notification_id: str) -> list[StoredFile]:
        rows = await self._engine.read(
            lambda c: c.fetch(
                f"SELECT {FILE_COLUMNS} FROM files WHERE notification_id = $1 ORDER BY kind, id",
                notification_id,
            )
        )
        return [file_from_row(r) for r in rows]

    async def delete_expired_files(self, now: datetime) -> int:
        status = await self._engine.write(
            lambda c: c.execute(
                "DELETE FROM files WHERE expires_at IS NOT NULL AND expires_at <= $1", micros(now)
            )
        )
        return int(str(status).split()[-1])

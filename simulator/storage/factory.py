"""Choose the storage adapters from one URL: SQLite on this machine, or shared PostgreSQL.

`sqlite://` (or no URL) keeps the single-file store in the data directory;
`sqlite:///some/file.db` names another file. `postgresql://user@host/db` (or
`postgres://`) shares one database between several replicas.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from simulator.domain.clock import Clock, SandboxClock
from simulator.domain.ports import CallbackStore, FileStore, InspectionView, Store
from simulator.storage.callbacks import CallbackQueries
from simulator.storage.files import FileQueries
from simulator.storage.inspection import InspectionQueries
from simulator.storage.postgres import PostgresDatabase
from simulator.storage.secret_box import SecretBox
from simulator.storage.sql import Database
from simulator.storage.sqlite_db import SqliteDatabase
from simulator.storage.store import SqlStore

__all__ = ["Storage", "open_storage", "sqlite_path"]

_DEFAULT_FILE = "sandbox.db"


@dataclass(slots=True)
class Storage:
    store: Store
    callbacks: CallbackStore
    inspection: InspectionView
    files: FileStore
    # the executor all four share
    database: Database

    @property
    def kind(self) -> str:
        return self.database.dialect.name

    async def close(self) -> None:
        # the other parts share the store's database
        await self.store.close()


def sqlite_path(url: str | None, data_dir: Path | str) -> Path:
    """The SQLite file a URL names: the data directory's sandbox.db unless it gives one."""
    rest = ""
    if url:
        prefix = "sqlite://" if url.lower().startswith("sqlite://") else "sqlite:"
        rest = url[len(prefix) :]
    return Path(rest) if rest else Path(data_dir) / _DEFAULT_FILE


async def open_storage(
    url: str | None,
    data_dir: Path | str,
    box: SecretBox,
    synchronous: str = "NORMAL",
    clock: Clock | None = None,
) -> Storage:
    """Open (and migrate) the store a URL names; `synchronous` applies to SQLite only;
    `clock`: the sandbox's, for reads of timelines stored once (wall time if not given)."""
    scheme = urlsplit(url).scheme.lower() if url else "sqlite"
    db: Database
    if scheme in {"postgresql", "postgres"}:
        assert url is not None
        db = PostgresDatabase(url)
    elif scheme == "sqlite":
        db = SqliteDatabase(sqlite_path(url, data_dir), synchronous=synchronous)
    else:
        raise ValueError(
            f"unsupported database URL scheme {scheme!r} (use sqlite:// or postgresql://)"
        )
    clock = clock or SandboxClock()
    store = SqlStore(db, box, clock)
    await store.open()
    inspection = InspectionQueries(db, clock)
    return Storage(store, CallbackQueries(db), inspection, FileQueries(db), db)

"""Choose the storage adapters from one URL: SQLite on this machine, or shared PostgreSQL.

`sqlite://` (or no URL) keeps the single-file store in the data directory;
`sqlite:///some/file.db` names another file. `postgresql://user@host/db` (or
`postgres://`) shares one database between several replicas.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from simulator.domain.ports import CallbackStore, FileStore, InspectionView, Store
from simulator.storage.postgres import PostgresCallbackStore, PostgresInspection, PostgresStore
from simulator.storage.postgres.files import PostgresFileStore
from simulator.storage.secret_box import SecretBox
from simulator.storage.sqlite_callbacks import SqliteCallbackStore
from simulator.storage.sqlite_files import SqliteFileStore
from simulator.storage.sqlite_inspection import SqliteInspection
from simulator.storage.sqlite_store import SqliteStore

__all__ = [
    "AnyCallbackStore",
    "AnyInspection",
    "AnyStore",
    "Storage",
    "open_storage",
    "sqlite_path",
]

AnyStore = SqliteStore | PostgresStore
AnyCallbackStore = SqliteCallbackStore | PostgresCallbackStore
AnyInspection = SqliteInspection | PostgresInspection

_DEFAULT_FILE = "sandbox.db"


@dataclass(slots=True)
class Storage:
    store: Store
    callbacks: CallbackStore
    inspection: InspectionView
    files: FileStore

    @property
    def kind(self) -> str:
        return "postgresql" if isinstance(self.store, PostgresStore) else "sqlite"

    async def close(self) -> None:
        # the callback store and the inspection view share the store's engine
        await self.store.close()


def sqlite_path(url: str | None, data_dir: Path | str) -> Path:
    """The SQLite file a URL names: the data directory's sandbox.db unless it gives one."""
    rest = ""
    if url:
        prefix = "sqlite://" if url.lower().startswith("sqlite://") else "sqlite:"
        rest = url[len(prefix) :]
    return Path(rest) if rest else Path(data_dir) / _DEFAULT_FILE


async def open_storage(
    url: str | None, data_dir: Path | str, box: SecretBox, synchronous: str = "NORMAL"
) -> Storage:
    """Open (and migrate) the store a URL names; `synchronous` applies to SQLite only."""
    scheme = urlsplit(url).scheme.lower() if url else "sqlite"
    if scheme in {"postgresql", "postgres"}:
        assert url is not None
        pg = PostgresStore(url, box)
        await pg.open()
        return Storage(
            pg,
            PostgresCallbackStore(pg.engine),
            PostgresInspection(pg.engine),
            PostgresFileStore(pg.engine),
        )
    if scheme == "sqlite":
        store = SqliteStore(sqlite_path(url, data_dir), box, synchronous=synchronous)
        await store.open()
        return Storage(
            store,
            SqliteCallbackStore(store.engine),
            SqliteInspection(store.engine),
            SqliteFileStore(store.engine),
        )
    raise ValueError(f"unsupported database URL scheme {scheme!r} (use sqlite:// or postgresql://)")

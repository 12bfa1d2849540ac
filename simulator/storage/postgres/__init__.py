"""The PostgreSQL adapters, for several replicas sharing one database."""

from simulator.storage.postgres.callbacks import PostgresCallbackStore
from simulator.storage.postgres.engine import PostgresEngine
from simulator.storage.postgres.inspection import PostgresInspection
from simulator.storage.postgres.store import PostgresStore

__all__ = ["PostgresCallbackStore", "PostgresEngine", "PostgresInspection", "PostgresStore"]

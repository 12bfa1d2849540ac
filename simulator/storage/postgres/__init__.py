"""The PostgreSQL executor and store, for several replicas sharing one database."""

from simulator.storage.postgres.database import PostgresDatabase
from simulator.storage.postgres.engine import PostgresEngine

__all__ = ["PostgresDatabase", "PostgresEngine"]

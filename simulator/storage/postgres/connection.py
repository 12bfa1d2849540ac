"""The connection type every PostgreSQL operation runs on: what the asyncpg pool hands out."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    import asyncpg
    from asyncpg.pool import PoolConnectionProxy

__all__ = ["PgConnection"]

# a string: the proxy class takes no type arguments at run time
PgConnection: TypeAlias = "PoolConnectionProxy[asyncpg.Record]"

"""Services, API keys, key events and templates in PostgreSQL (half of PostgresStore)."""

from __future__ import annotations

import json
from collections.abc import Awaitable
from datetime import datetime

import asyncpg

from simulator.domain.models import ApiKey, Service, Template
from simulator.storage.postgres.connection import PgConnection
from simulator.storage.postgres.engine import PostgresEngine
from simulator.storage.postgres.sql import placeholders
from simulator.storage.rows import (
    TEMPLATE_COLUMNS,
    Row,
    key_from_row,
    micros,
    moment,
    service_from_row,
    service_values,
    template_from_row,
)
from simulator.storage.secret_box import SecretBox

__all__ = ["DirectoryQueries"]

_KEY_COLUMNS = (
    "id, service_id, name, key_type, secret_ciphertext, permissions, description, created_by, "
    "created_at, revoked_at, expires_at, last_used_at, request_count, tier, per_minute_limit, "
    "per_day_limit, revoke_after"
)


class DirectoryQueries:
    engine: PostgresEngine
    _box: SecretBox

    # -- services -------------------------------------------------------------
    async def get_service(self, service_id: str) -> Service | None:
        row = await self.engine.read(
            lambda c: c.fetchrow("SELECT * FROM services WHERE id = $1", service_id)
        )
        return service_from_row(row, self._box.open_text) if row else None

    async def list_services(self) -> list[Service]:
        rows = await self.engine.read(lambda c: c.fetch("SELECT * FROM services ORDER BY name"))
        return [service_from_row(r, self._box.open_text) for r in rows]

    async def save_service(self, service: Service) -> None:
        values = service_values(service, self._box.seal_text)
        await self.engine.write(
            lambda c: c.execute(
                f"INSERT INTO services VALUES ({placeholders(8)}) "
                "ON CONFLICT (id) DO UPDATE SET "
                "name=excluded.name, restricted=excluded.restricted, active=excluded.active, "
                "email_sender_local_part=excluded.email_sender_local_part, "
                "rate_limit=excluded.rate_limit, settings=excluded.settings",
                *values,
            )
        )

    # -- keys ----------------------------------------------------------------
    async def get_keys(self, service_id: str) -> list[ApiKey]:
        rows = await self.engine.read(
            lambda c: c.fetch(
                f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE service_id = $1 ORDER BY created_at",
                service_id,
            )
        )
        return [self._key_from_row(row) for row in rows]

    def _key_from_row(self, row: Row) -> ApiKey:
        return key_from_row(row, self._box)

    async def find_key_by_secret(self, secret: str) -> ApiKey | None:
        digest = self._box.digest(secret)
        row = await self.engine.read(
            lambda c: c.fetchrow(
                f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE secret_digest = $1", digest
            )
        )
        return self._key_from_row(row) if row else None

    async def save_key(self, key: ApiKey) -> None:
        values = (
            key.id,
            key.service_id,
            key.name,
            key.key_type.value,
            self._box.seal(key.secret, bound_to=key.id),
            self._box.digest(key.secret),
            json.dumps(sorted(key.permissions)),
            key.description,
            key.created_by,
            micros(key.created_at),
            micros(key.revoked_at),
            micros(key.expires_at),
            micros(key.last_used_at),
            key.tier,
            key.per_minute_limit,
            key.per_day_limit,
            micros(key.revoke_after),
        )

        # the secret and the creation date never change once a key exists
        def upsert(c: PgConnection) -> Awaitable[str]:
            return c.execute(
                "INSERT INTO api_keys (id, service_id, name, key_type, secret_ciphertext, "
                "secret_digest, permissions, description, created_by, created_at, revoked_at, "
                "expires_at, last_used_at, tier, per_minute_limit, per_day_limit, revoke_after) "
                f"VALUES ({placeholders(17)}) "
                "ON CONFLICT (id) DO UPDATE SET name=excluded.name, "
                "permissions=excluded.permissions, description=excluded.description, "
                "revoked_at=COALESCE(api_keys.revoked_at, excluded.revoked_at), "
                "expires_at=excluded.expires_at, tier=excluded.tier, "
                "per_minute_limit=excluded.per_minute_limit, per_day_limit=excluded.per_day_limit, "
                "revoke_after=COALESCE(api_keys.revoke_after, excluded.revoke_after)",
                *values,
            )

        try:
            await self.engine.write(upsert)
        except asyncpg.UniqueViolationError:
            # two replicas inserting one new key at once (fixtures at start-up): the loser
            # trips over the winner's secret_digest before ON CONFLICT (id) can see its row;
            # once the winner has committed, the same upsert finds the row and updates it
            await self.engine.write(upsert)

    async def delete_key(self, key_id: str) -> None:
        await self.engine.write(lambda c: c.execute("DELETE FROM api_keys WHERE id = $1", key_id))

    async def touch_keys(
        self, last_used: dict[str, datetime], requests: dict[str, int] | None = None
    ) -> None:
        counts = requests or {}
        # sorted by id so two replicas flushing at once lock rows in the same order
        rows = [
            (micros(at), counts.get(key_id, 0), key_id) for key_id, at in sorted(last_used.items())
        ]
        if not rows:
            return
        await self.engine.write(
            lambda c: c.executemany(
                "UPDATE api_keys SET last_used_at = $1, request_count = request_count + $2 "
                "WHERE id = $3",
                rows,
            )
        )

    async def add_key_event(
        self, key_id: str, service_id: str, event: str, detail: str | None, at: datetime
    ) -> None:
        values = (key_id, service_id, event, detail, micros(at))
        await self.engine.write(
            lambda c: c.execute(
                "INSERT INTO key_events (key_id, service_id, event, detail, created_at) "
                "VALUES ($1, $2, $3, $4, $5)",
                *values,
            )
        )

    async def list_key_events(self, key_id: str, limit: int = 100) -> list[dict[str, object]]:
        rows = await self.engine.read(
            lambda c: c.fetch(
                "SELECT event, detail, created_at FROM key_events WHERE key_id = $1 "
                "ORDER BY id DESC LIMIT $2",
                key_id,
                limit,
            )
        )
        return [{"event": r[0], "detail": r[1], "at": moment(r[2])} for r in rows]

    async def sends_by_key(self, key_id: str, since: datetime | None = None) -> dict[str, int]:
        rows = await self.engine.read(
            lambda c: c.fetch(
                "SELECT notification_type, COUNT(*) FROM notifications WHERE api_key_id = $1 "
                "AND created_at >= $2 GROUP BY notification_type",
                key_id,
                micros(since) or 0,
            )
        )
        return {r[0]: r[1] for r in rows}

    # -- templates -----------------------------------------------------------
    async def get_template(
        self, service_id: str, template_id: str, version: int | None = None
    ) -> Template | None:
        sql = f"SELECT {TEMPLATE_COLUMNS} FROM templates WHERE id = $1 AND service_id = $2"

        async def run(c: PgConnection) -> asyncpg.Record | None:
            if version is None:
                return await c.fetchrow(
                    sql + " ORDER BY version DESC LIMIT 1", template_id, service_id
                )
            return await c.fetchrow(sql + " AND version = $3", template_id, service_id, version)

        row = await self.engine.read(run)
        return template_from_row(row) if row else None

    async def list_templates(self, service_id: str) -> list[Template]:
        rows = await self.engine.read(
            lambda c: c.fetch(
                f"SELECT {TEMPLATE_COLUMNS} FROM templates t WHERE service_id = $1 AND version = "
                "(SELECT MAX(version) FROM templates WHERE id = t.id)",
                service_id,
            )
        )
        return [template_from_row(r) for r in rows]

    async def save_template(self, template: Template) -> None:
        values = (
            template.id,
            template.version,
            template.service_id,
            template.type.value,
            template.name,
            template.subject,
            template.body,
            template.created_by,
            micros(template.created_at),
            micros(template.updated_at),
            int(template.archived),
            int(template.hidden),
            template.postage,
            template.letter_contact_block,
            template.category_id,
        )
        await self.engine.write(
            lambda c: c.execute(
                f"INSERT INTO templates ({TEMPLATE_COLUMNS}) VALUES ({placeholders(15)}) "
                "ON CONFLICT (id, version) DO UPDATE SET type=excluded.type, name=excluded.name, "
                "subject=excluded.subject, body=excluded.body, archived=excluded.archived, "
                "hidden=excluded.hidden, postage=excluded.postage, "
                "letter_contact_block=excluded.letter_contact_block, "
                "template_category_id=excluded.template_category_id, "
                "updated_at=COALESCE(templates.updated_at, excluded.updated_at)",
                *values,
            )
        )

"""Services, API keys, key events and templates: the directory's SQL, for both backends."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from simulator.domain.models import ApiKey, Service, Template
from simulator.domain.ports import KeyEvent
from simulator.storage.rows import (
    SERVICE_COLUMNS,
    TEMPLATE_COLUMNS,
    by_name,
    key_from_row,
    micros,
    moment,
    service_from_row,
    service_values,
    template_from_row,
)
from simulator.storage.secret_box import SecretBox
from simulator.storage.sql import Database, Program, execute, named

__all__ = ["DirectoryQueries"]

_KEY_COLUMNS = (
    "id, service_id, name, key_type, secret_ciphertext, permissions, description, created_by, "
    "created_at, revoked_at, expires_at, last_used_at, request_count, tier, per_minute_limit, "
    "per_day_limit, revoke_after"
)
_KEY_WRITTEN = (
    "id, service_id, name, key_type, secret_ciphertext, secret_digest, permissions, "
    "description, created_by, created_at, revoked_at, expires_at, last_used_at, tier, "
    "per_minute_limit, per_day_limit, revoke_after"
)

_SAVE_SERVICE = (
    f"INSERT INTO services ({SERVICE_COLUMNS}) VALUES ({named(SERVICE_COLUMNS)}) "
    "ON CONFLICT (id) DO UPDATE SET "
    "name=excluded.name, restricted=excluded.restricted, active=excluded.active, "
    "email_sender_local_part=excluded.email_sender_local_part, "
    "rate_limit=excluded.rate_limit, settings=excluded.settings"
)
# the secret and the creation date never change once a key exists
_SAVE_KEY = (
    f"INSERT INTO api_keys ({_KEY_WRITTEN}) VALUES ({named(_KEY_WRITTEN)}) "
    "ON CONFLICT (id) DO UPDATE SET name=excluded.name, "
    "permissions=excluded.permissions, description=excluded.description, "
    "revoked_at=COALESCE(api_keys.revoked_at, excluded.revoked_at), "
    "expires_at=excluded.expires_at, tier=excluded.tier, "
    "per_minute_limit=excluded.per_minute_limit, per_day_limit=excluded.per_day_limit, "
    "revoke_after=COALESCE(api_keys.revoke_after, excluded.revoke_after)"
)
_SAVE_TEMPLATE = (
    f"INSERT INTO templates ({TEMPLATE_COLUMNS}) VALUES ({named(TEMPLATE_COLUMNS)}) "
    "ON CONFLICT (id, version) DO UPDATE SET type=excluded.type, name=excluded.name, "
    "subject=excluded.subject, body=excluded.body, archived=excluded.archived, "
    "hidden=excluded.hidden, postage=excluded.postage, "
    "letter_contact_block=excluded.letter_contact_block, "
    "template_category_id=excluded.template_category_id, "
    "updated_at=COALESCE(templates.updated_at, excluded.updated_at)"
)
_TEMPLATE = f"SELECT {TEMPLATE_COLUMNS} FROM templates WHERE id = :id AND service_id = :service_id"


def _save(sql: str, params: Mapping[str, object]) -> Program[None]:
    yield execute(sql, params)


class DirectoryQueries:
    _db: Database
    _box: SecretBox

    # -- services -------------------------------------------------------------
    async def get_service(self, service_id: str) -> Service | None:
        row = await self._db.row(
            f"SELECT {SERVICE_COLUMNS} FROM services WHERE id = :id", {"id": service_id}
        )
        return service_from_row(row, self._box.open_text) if row else None

    async def list_services(self) -> list[Service]:
        rows = await self._db.rows(f"SELECT {SERVICE_COLUMNS} FROM services ORDER BY name", {})
        return [service_from_row(r, self._box.open_text) for r in rows]

    async def save_service(self, service: Service) -> None:
        values = by_name(SERVICE_COLUMNS, service_values(service, self._box.seal_text))
        await self._db.run(_SAVE_SERVICE, values)

    # -- keys ----------------------------------------------------------------
    async def get_keys(self, service_id: str) -> list[ApiKey]:
        rows = await self._db.rows(
            f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE service_id = :service_id "
            "ORDER BY created_at",
            {"service_id": service_id},
        )
        return [key_from_row(row, self._box) for row in rows]

    async def find_key_by_secret(self, secret: str) -> ApiKey | None:
        row = await self._db.row(
            f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE secret_digest = :digest",
            {"digest": self._box.digest(secret)},
        )
        return key_from_row(row, self._box) if row else None

    async def save_key(self, key: ApiKey) -> None:
        values = {
            "id": key.id,
            "service_id": key.service_id,
            "name": key.name,
            "key_type": key.key_type.value,
            "secret_ciphertext": self._box.seal(key.secret, bound_to=key.id),
            "secret_digest": self._box.digest(key.secret),
            "permissions": json.dumps(sorted(key.permissions)),
            "description": key.description,
            "created_by": key.created_by,
            "created_at": micros(key.created_at),
            "revoked_at": micros(key.revoked_at),
            "expires_at": micros(key.expires_at),
            "last_used_at": micros(key.last_used_at),
            "tier": key.tier,
            "per_minute_limit": key.per_minute_limit,
            "per_day_limit": key.per_day_limit,
            "revoke_after": micros(key.revoke_after),
        }
        # two replicas inserting one new key at once (fixtures at start-up): the loser
        # trips over the winner's secret_digest before ON CONFLICT (id) can see its row
        await self._db.write(lambda: _save(_SAVE_KEY, values), upsert_race=True)

    async def delete_key(self, key_id: str) -> None:
        await self._db.run("DELETE FROM api_keys WHERE id = :id", {"id": key_id})

    async def touch_keys(
        self, last_used: dict[str, datetime], requests: dict[str, int] | None = None
    ) -> None:
        counts = requests or {}
        # sorted by id so two replicas flushing at once lock rows in the same order
        rows = [
            {"at": micros(at), "requests": counts.get(key_id, 0), "id": key_id}
            for key_id, at in sorted(last_used.items())
        ]
        await self._db.run_many(
            "UPDATE api_keys SET last_used_at = :at, request_count = request_count + :requests "
            "WHERE id = :id",
            rows,
        )

    async def add_key_event(
        self, key_id: str, service_id: str, event: str, detail: str | None, at: datetime
    ) -> None:
        await self._db.run(
            "INSERT INTO key_events (key_id, service_id, event, detail, created_at) "
            "VALUES (:key_id, :service_id, :event, :detail, :at)",
            {
                "key_id": key_id,
                "service_id": service_id,
                "event": event,
                "detail": detail,
                "at": micros(at),
            },
        )

    async def list_key_events(self, key_id: str, limit: int = 100) -> list[KeyEvent]:
        rows = await self._db.rows(
            "SELECT event, detail, created_at FROM key_events WHERE key_id = :key_id "
            "ORDER BY id DESC LIMIT :limit",
            {"key_id": key_id, "limit": limit},
        )
        return [KeyEvent(event=r[0], detail=r[1], at=moment(r[2])) for r in rows]

    async def sends_by_key(self, key_id: str, since: datetime | None = None) -> dict[str, int]:
        rows = await self._db.rows(
            "SELECT notification_type, COUNT(*) FROM notifications WHERE api_key_id = :key_id "
            "AND created_at >= :since GROUP BY notification_type",
            {"key_id": key_id, "since": micros(since) or 0},
        )
        return {str(r[0]): int(r[1]) for r in rows}

    # -- templates -----------------------------------------------------------
    async def get_template(
        self, service_id: str, template_id: str, version: int | None = None
    ) -> Template | None:
        params: dict[str, object] = {"id": template_id, "service_id": service_id}
        if version is None:
            row = await self._db.row(_TEMPLATE + " ORDER BY version DESC LIMIT 1", params)
        else:
            row = await self._db.row(
                _TEMPLATE + " AND version = :version", params | {"version": version}
            )
        return template_from_row(row) if row else None

    async def list_templates(self, service_id: str) -> list[Template]:
        rows = await self._db.rows(
            f"SELECT {TEMPLATE_COLUMNS} FROM templates t WHERE service_id = :service_id "
            "AND version = (SELECT MAX(version) FROM templates WHERE id = t.id)",
            {"service_id": service_id},
        )
        return [template_from_row(r) for r in rows]

    async def save_template(self, template: Template) -> None:
        values = {
            "id": template.id,
            "version": template.version,
            "service_id": template.service_id,
            "type": template.type.value,
            "name": template.name,
            "subject": template.subject,
            "body": template.body,
            "created_by": template.created_by,
            "created_at": micros(template.created_at),
            "updated_at": micros(template.updated_at),
            "archived": int(template.archived),
            "hidden": int(template.hidden),
            "postage": template.postage,
            "letter_contact_block": template.letter_contact_block,
            "template_category_id": template.category_id,
        }
        await self._db.run(_SAVE_TEMPLATE, values)

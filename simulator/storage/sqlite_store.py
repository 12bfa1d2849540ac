"""The SQLite adapter for the directory (services, keys, templates) and notifications."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from simulator.domain.callbacks import CallbackRecord
from simulator.domain.models import ApiKey, Notification, ReceivedText, Service, Template
from simulator.domain.ports import ListQuery, MessageQuery, MessageRecord, Transition
from simulator.storage.rows import (
    DUE_COLUMNS,
    MESSAGE_COLUMNS,
    NOTIFICATION_COLUMNS,
    NOTIFICATION_PLACEHOLDERS,
    TEMPLATE_COLUMNS,
    Row,
    key_from_row,
    message_from_row,
    message_values,
    micros,
    moment,
    notification_from_row,
    notification_values,
    received_text_from_row,
    service_from_row,
    service_values,
    template_from_row,
)
from simulator.storage.secret_box import SecretBox
from simulator.storage.sqlite_engine import SqliteEngine
from simulator.storage.sqlite_jobs import SqliteJobQueries
from simulator.storage.sqlite_reports import SqliteReportQueries
from simulator.storage.transitions import apply_transition, insert_callback

__all__ = ["SqliteStore"]

_KEY_COLUMNS = (
    "id, service_id, name, key_type, secret_ciphertext, permissions, description, created_by, "
    "created_at, revoked_at, expires_at, last_used_at, request_count, tier, per_minute_limit, "
    "per_day_limit, revoke_after"
)


class SqliteStore(SqliteJobQueries, SqliteReportQueries):
    """Implements DirectoryStore and NotificationStore on one SQLite file."""

    def __init__(self, path: Path | str, secret_box: SecretBox, *, synchronous: str = "NORMAL"):
        self.engine = SqliteEngine(path, synchronous=synchronous)
        self._box = secret_box
        self.schema_version: str | None = None

    async def open(self) -> None:
        await self.engine.open()
        self.schema_version = await self.engine.read(
            lambda c: c.execute("SELECT MAX(version) FROM schema_versions").fetchone()[0]
        )

    async def close(self) -> None:
        await self.engine.close()

    @property
    def commits(self) -> int:
        return self.engine.commits

    @property
    def writes(self) -> int:
        return self.engine.writes

    # -- services -------------------------------------------------------------
    async def get_service(self, service_id: str) -> Service | None:
        def run(c: sqlite3.Connection) -> Service | None:
            row = c.execute("SELECT * FROM services WHERE id = ?", (service_id,)).fetchone()
            return service_from_row(row, self._box.open_text) if row else None

        return await self.engine.read(run)

    async def list_services(self) -> list[Service]:
        def run(c: sqlite3.Connection) -> list[Service]:
            return [
                service_from_row(r, self._box.open_text)
                for r in c.execute("SELECT * FROM services ORDER BY name")
            ]

        return await self.engine.read(run)

    async def save_service(self, service: Service) -> None:
        values = service_values(service, self._box.seal_text)
        await self.engine.write(
            lambda c: c.execute(
                "INSERT INTO services VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET "
                "name=excluded.name, restricted=excluded.restricted, active=excluded.active, "
                "email_sender_local_part=excluded.email_sender_local_part, "
                "rate_limit=excluded.rate_limit, settings=excluded.settings",
                values,
            )
        )

    # -- keys ----------------------------------------------------------------
    async def get_keys(self, service_id: str) -> list[ApiKey]:
        def run(c: sqlite3.Connection) -> list[tuple[object, ...]]:
            return c.execute(
                f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE service_id = ? ORDER BY created_at",
                (service_id,),
            ).fetchall()

        return [self._key_from_row(row) for row in await self.engine.read(run)]

    def _key_from_row(self, row: Row) -> ApiKey:
        return key_from_row(row, self._box)

    async def find_key_by_secret(self, secret: str) -> ApiKey | None:
        digest = self._box.digest(secret)

        def run(c: sqlite3.Connection) -> Any:
            return c.execute(
                f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE secret_digest = ?", (digest,)
            ).fetchone()

        row = await self.engine.read(run)
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
        await self.engine.write(
            lambda c: c.execute(
                "INSERT INTO api_keys (id, service_id, name, key_type, secret_ciphertext, "
                "secret_digest, permissions, description, created_by, created_at, revoked_at, "
                "expires_at, last_used_at, tier, per_minute_limit, per_day_limit, revoke_after) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET name=excluded.name, "
                "permissions=excluded.permissions, description=excluded.description, "
                "revoked_at=COALESCE(api_keys.revoked_at, excluded.revoked_at), "
                "expires_at=excluded.expires_at, tier=excluded.tier, "
                "per_minute_limit=excluded.per_minute_limit, per_day_limit=excluded.per_day_limit, "
                "revoke_after=COALESCE(api_keys.revoke_after, excluded.revoke_after)",
                values,
            )
        )

    async def delete_key(self, key_id: str) -> None:
        await self.engine.write(lambda c: c.execute("DELETE FROM api_keys WHERE id = ?", (key_id,)))

    async def touch_keys(
        self, last_used: dict[str, datetime], requests: dict[str, int] | None = None
    ) -> None:
        counts = requests or {}
        rows = [(micros(at), counts.get(key_id, 0), key_id) for key_id, at in last_used.items()]
        await self.engine.write(
            lambda c: c.executemany(
                "UPDATE api_keys SET last_used_at = ?, request_count = request_count + ? "
                "WHERE id = ?",
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
                "VALUES (?, ?, ?, ?, ?)",
                values,
            )
        )

    async def list_key_events(self, key_id: str, limit: int = 100) -> list[dict[str, object]]:
        def run(c: sqlite3.Connection) -> list[tuple[object, ...]]:
            return c.execute(
                "SELECT event, detail, created_at FROM key_events WHERE key_id = ? "
                "ORDER BY id DESC LIMIT ?",
                (key_id, limit),
            ).fetchall()

        return [
            {"event": row[0], "detail": row[1], "at": moment(row[2])}  # type: ignore[arg-type]
            for row in await self.engine.read(run)
        ]

    async def sends_by_key(self, key_id: str, since: datetime | None = None) -> dict[str, int]:
        floor = micros(since) or 0

        def run(c: sqlite3.Connection) -> list[tuple[str, int]]:
            return c.execute(
                "SELECT notification_type, COUNT(*) FROM notifications WHERE api_key_id = ? "
                "AND created_at >= ? GROUP BY notification_type",
                (key_id, floor),
            ).fetchall()

        return dict(await self.engine.read(run))

    async def save_day_counters(self, rows: list[tuple[str, str, str, int]]) -> None:
        """(scope, day, name, count) snapshots; the latest figure wins."""
        await self.engine.write(
            lambda c: c.executemany(
                "INSERT INTO day_counters VALUES (?, ?, ?, ?) "
                "ON CONFLICT(scope, day, name) DO UPDATE SET count = excluded.count",
                rows,
            )
        )

    async def load_day_counters(self, day: str) -> list[tuple[str, str, str, int]]:
        def run(c: sqlite3.Connection) -> list[tuple[str, str, str, int]]:
            c_rows = c.execute(
                "SELECT scope, day, name, count FROM day_counters WHERE day = ?", (day,)
            ).fetchall()
            return c_rows

        return await self.engine.read(run)

    # -- templates -----------------------------------------------------------
    async def get_template(
        self, service_id: str, template_id: str, version: int | None = None
    ) -> Template | None:
        def run(c: sqlite3.Connection) -> Any:
            sql = f"SELECT {TEMPLATE_COLUMNS} FROM templates WHERE id = ? AND service_id = ?"
            if version is None:
                return c.execute(
                    sql + " ORDER BY version DESC LIMIT 1", (template_id, service_id)
                ).fetchone()
            return c.execute(
                sql + " AND version = ?", (template_id, service_id, version)
            ).fetchone()

        row = await self.engine.read(run)
        return template_from_row(row) if row else None

    async def list_templates(self, service_id: str) -> list[Template]:
        def run(c: sqlite3.Connection) -> list[tuple[object, ...]]:
            return c.execute(
                f"SELECT {TEMPLATE_COLUMNS} FROM templates t WHERE service_id = ? AND version = "
                "(SELECT MAX(version) FROM templates WHERE id = t.id)",
                (service_id,),
            ).fetchall()

        return [template_from_row(r) for r in await self.engine.read(run)]

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
                f"INSERT INTO templates ({TEMPLATE_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(id, version) DO UPDATE SET type=excluded.type, name=excluded.name, "
                "subject=excluded.subject, body=excluded.body, archived=excluded.archived, "
                "hidden=excluded.hidden, postage=excluded.postage, "
                "letter_contact_block=excluded.letter_contact_block, "
                "template_category_id=excluded.template_category_id, "
                "updated_at=COALESCE(templates.updated_at, excluded.updated_at)",
                values,
            )
        )

    # -- notifications -------------------------------------------------------
    async def add_notification(
        self, notification: Notification, *, callback: CallbackRecord | None = None
    ) -> None:
        values = notification_values(notification)

        def run(c: sqlite3.Connection) -> None:
            c.execute(
                f"INSERT INTO notifications ({NOTIFICATION_COLUMNS}) "
                f"VALUES ({NOTIFICATION_PLACEHOLDERS})",
                values,
            )
            if callback is not None:
                insert_callback(c, callback)

        await self.engine.write(run)

    async def get_notification(
        self, service_id: str, notification_id: str, not_before: datetime | None
    ) -> Notification | None:
        floor = micros(not_before) or 0

        def run(c: sqlite3.Connection) -> Any:
            return c.execute(
                f"SELECT {NOTIFICATION_COLUMNS} FROM notifications "
                "WHERE id = ? AND service_id = ? AND created_at >= ?",
                (notification_id, service_id, floor),
            ).fetchone()

        row = await self.engine.read(run)
        return notification_from_row(row) if row else None

    async def find_notification(self, notification_id: str) -> Notification | None:
        def run(c: sqlite3.Connection) -> Any:
            return c.execute(
                f"SELECT {NOTIFICATION_COLUMNS} FROM notifications WHERE id = ?",
                (notification_id,),
            ).fetchone()

        row = await self.engine.read(run)
        return notification_from_row(row) if row else None

    async def find_by_provider_reference(self, reference: str) -> Notification | None:
        def run(c: sqlite3.Connection) -> Any:
            return c.execute(
                f"SELECT {NOTIFICATION_COLUMNS} FROM notifications WHERE provider_reference = ?",
                (reference,),
            ).fetchone()

        row = await self.engine.read(run)
        return notification_from_row(row) if row else None

    async def list_notifications(self, query: ListQuery) -> list[Notification]:
        sql, params = _listing_sql(query)

        def run(c: sqlite3.Connection) -> list[tuple[object, ...]]:
            return c.execute(sql, params).fetchall()

        return [notification_from_row(r) for r in await self.engine.read(run)]

    async def due_notifications(self, now: datetime, limit: int) -> list[Notification]:
        def run(c: sqlite3.Connection) -> list[tuple[object, ...]]:
            return c.execute(
                f"SELECT {DUE_COLUMNS} FROM notifications "
                "WHERE next_action_at IS NOT NULL AND next_action_at <= ? "
                "ORDER BY next_action_at LIMIT ?",
                (micros(now), limit),
            ).fetchall()

        return [notification_from_row(r) for r in await self.engine.read(run)]

    async def finish_simulated(self, now: datetime, skip_services: Sequence[str]) -> int:
        """Move due test-key notifications to their planned final status in one statement.

        For services that owe no callbacks, the last step of a simulated timeline needs
        no Python per row (issue 4). Same compare-and-set guard: only in-flight rows move.
        """
        marks = ", ".join("?" * len(skip_services))
        skip = f"AND service_id NOT IN ({marks})" if skip_services else ""
        at = micros(now)
        sql = (
            "UPDATE notifications SET status = planned_status, updated_at = ?, "
            "next_action_at = NULL WHERE next_action_at IS NOT NULL AND next_action_at <= ? "
            "AND key_type = 'test' AND status IN ('sending', 'sent') "
            f"AND planned_status IS NOT NULL {skip}"
        )
        params = (at, at, *skip_services)
        return await self.engine.write(lambda c: c.execute(sql, params).rowcount)

    async def next_due_at(self) -> datetime | None:
        def run(c: sqlite3.Connection) -> Any:
            return c.execute(
                "SELECT MIN(next_action_at) FROM notifications WHERE next_action_at IS NOT NULL"
            ).fetchone()[0]

        return moment(await self.engine.read(run))

    async def apply_transitions(self, transitions: Sequence[Transition]) -> list[bool]:
        items = list(transitions)
        return await self.engine.write(lambda c: [apply_transition(c, t) for t in items])

    async def record_delivery(self, transition: Transition, message: MessageRecord) -> bool:
        values = message_values(message)

        def run(c: sqlite3.Connection) -> bool:
            if not apply_transition(c, transition):
                return False
            c.execute(
                f"INSERT OR IGNORE INTO messages ({MESSAGE_COLUMNS}) VALUES "
                f"({', '.join('?' * len(values))})",
                values,
            )
            return True

        return await self.engine.write(run)

    async def counts_since(self, moment_: datetime) -> list[tuple[str, str, bool, int]]:
        """(service_id, type, international, count) of counted sends since a moment."""

        def run(c: sqlite3.Connection) -> list[tuple[str, str, bool, int]]:
            return c.execute(
                "SELECT service_id, notification_type, international, COUNT(*) "
                "FROM notifications WHERE created_at >= ? AND key_type != 'test' "
                "GROUP BY service_id, notification_type, international",
                (micros(moment_),),
            ).fetchall()

        return await self.engine.read(run)

    # -- received texts ------------------------------------------------------
    async def add_received_text(
        self, text: ReceivedText, *, callback: CallbackRecord | None = None
    ) -> None:
        values = (
            text.id,
            text.service_id,
            text.user_number,
            text.notify_number,
            text.content,
            micros(text.created_at),
        )

        def run(c: sqlite3.Connection) -> None:
            c.execute("INSERT OR IGNORE INTO received_texts VALUES (?, ?, ?, ?, ?, ?)", values)
            if callback is not None:
                insert_callback(c, callback)

        await self.engine.write(run)

    async def list_received_texts(
        self, service_id: str, older_than: str | None, not_before: datetime | None, limit: int
    ) -> list[ReceivedText]:
        sql = "SELECT * FROM received_texts WHERE service_id = ? AND created_at >= ?"
        params: list[object] = [service_id, micros(not_before) or 0]
        if older_than is not None:
            sql += (
                " AND created_at < "
                "COALESCE((SELECT created_at FROM received_texts WHERE id = ?), -1)"
            )
            params.append(older_than)
        sql += " ORDER BY created_at DESC LIMIT ?"
        params.append(limit)

        def run(c: sqlite3.Connection) -> list[tuple[object, ...]]:
            return c.execute(sql, params).fetchall()

        return [received_text_from_row(r) for r in await self.engine.read(run)]

    # -- outbox view ---------------------------------------------------------
    async def list_messages(self, query: MessageQuery) -> list[MessageRecord]:
        clauses: list[str] = []
        params: list[object] = []
        for column, value in (
            ("service_id", query.service_id),
            ("recipient", query.recipient),
            ("reference", query.reference),
            ("channel", query.channel),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = f"SELECT {MESSAGE_COLUMNS} FROM messages {where} ORDER BY created_at DESC LIMIT ?"
        params.append(query.limit)

        def run(c: sqlite3.Connection) -> list[tuple[object, ...]]:
            return c.execute(sql, params).fetchall()

        return [message_from_row(r) for r in await self.engine.read(run)]

    async def purge_before(self, moment_: datetime) -> int:
        cutoff = micros(moment_)

        def run(c: sqlite3.Connection) -> int:
            removed = c.execute(
                "DELETE FROM notifications WHERE created_at < ? AND next_action_at IS NULL",
                (cutoff,),
            ).rowcount
            c.execute("DELETE FROM messages WHERE created_at < ?", (cutoff,))
            c.execute("DELETE FROM received_texts WHERE created_at < ?", (cutoff,))
            return removed

        return await self.engine.write(run)


def _listing_sql(query: ListQuery) -> tuple[str, list[object]]:
    clauses = ["service_id = ?", "created_at >= ?"]
    params: list[object] = [query.service_id, micros(query.not_before) or 0]
    if query.key_type is not None:
        clauses.append("key_type = ?")
        params.append(query.key_type.value)
    if not query.include_jobs:
        clauses.append("job_id IS NULL")
    if query.template_types:
        clauses.append(f"notification_type IN ({', '.join('?' * len(query.template_types))})")
        params.extend(query.template_types)
    if query.statuses:
        clauses.append(f"status IN ({', '.join('?' * len(query.statuses))})")
        params.extend(query.statuses)
    if query.reference is not None:
        clauses.append("reference = ?")
        params.append(query.reference)
    if query.older_than is not None:
        # an unknown id yields an empty page, as Notify does
        clauses.append(
            "created_at < COALESCE((SELECT created_at FROM notifications WHERE id = ?), -1)"
        )
        params.append(query.older_than)
    sql = (
        f"SELECT {NOTIFICATION_COLUMNS} FROM notifications WHERE {' AND '.join(clauses)} "
        "ORDER BY created_at DESC LIMIT ?"
    )
    params.append(query.limit)
    return sql, params

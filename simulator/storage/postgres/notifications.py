"""Notifications, received texts and the outbox view in PostgreSQL (half of PostgresStore)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from simulator.domain.callbacks import CallbackRecord
from simulator.domain.models import Notification, ReceivedText
from simulator.domain.ports import ListQuery, MessageQuery, MessageRecord, Transition
from simulator.storage.postgres.connection import PgConnection
from simulator.storage.postgres.engine import PostgresEngine, affected
from simulator.storage.postgres.sql import (
    MESSAGE_PLACEHOLDERS,
    NOTIFICATION_PLACEHOLDERS,
    Params,
)
from simulator.storage.postgres.transitions import apply_transition, insert_callback
from simulator.storage.rows import (
    DUE_COLUMNS,
    MESSAGE_COLUMNS,
    NOTIFICATION_COLUMNS,
    message_from_row,
    message_values,
    micros,
    moment,
    notification_from_row,
    notification_values,
    received_text_from_row,
)

__all__ = ["NotificationQueries"]

_SELECT = f"SELECT {NOTIFICATION_COLUMNS} FROM notifications"


class NotificationQueries:
    engine: PostgresEngine

    async def add_notification(
        self, notification: Notification, *, callback: CallbackRecord | None = None
    ) -> None:
        values = notification_values(notification)

        async def run(c: PgConnection) -> None:
            await c.execute(
                f"INSERT INTO notifications ({NOTIFICATION_COLUMNS}) "
                f"VALUES ({NOTIFICATION_PLACEHOLDERS})",
                *values,
            )
            if callback is not None:
                await insert_callback(c, callback)

        await self.engine.write(run)

    async def get_notification(
        self, service_id: str, notification_id: str, not_before: datetime | None
    ) -> Notification | None:
        floor = micros(not_before) or 0
        row = await self.engine.read(
            lambda c: c.fetchrow(
                f"{_SELECT} WHERE id = $1 AND service_id = $2 AND created_at >= $3",
                notification_id,
                service_id,
                floor,
            )
        )
        return notification_from_row(row) if row else None

    async def find_notification(self, notification_id: str) -> Notification | None:
        row = await self.engine.read(
            lambda c: c.fetchrow(f"{_SELECT} WHERE id = $1", notification_id)
        )
        return notification_from_row(row) if row else None

    async def find_by_provider_reference(self, reference: str) -> Notification | None:
        row = await self.engine.read(
            lambda c: c.fetchrow(f"{_SELECT} WHERE provider_reference = $1 LIMIT 1", reference)
        )
        return notification_from_row(row) if row else None

    async def list_notifications(self, query: ListQuery) -> list[Notification]:
        sql, params = _listing_sql(query)
        rows = await self.engine.read(lambda c: c.fetch(sql, *params))
        return [notification_from_row(r) for r in rows]

    async def due_notifications(self, now: datetime, limit: int) -> list[Notification]:
        # a plain read: replicas may see the same rows, and the claim's compare-and-set
        # (apply_transitions) lets only one of them act on each
        rows = await self.engine.read(
            lambda c: c.fetch(
                f"SELECT {DUE_COLUMNS} FROM notifications "
                "WHERE next_action_at IS NOT NULL AND next_action_at <= $1 "
                "ORDER BY next_action_at LIMIT $2",
                micros(now),
                limit,
            )
        )
        return [notification_from_row(r) for r in rows]

    async def finish_simulated(self, now: datetime, skip_services: Sequence[str]) -> int:
        """As SqliteStore.finish_simulated: one statement for the last simulated step."""
        at = micros(now)

        async def run(c: PgConnection) -> int:
            status = await c.execute(
                "UPDATE notifications SET status = planned_status, updated_at = $1, "
                "next_action_at = NULL WHERE next_action_at IS NOT NULL "
                "AND next_action_at <= $1 AND key_type = 'test' "
                "AND status IN ('sending', 'sent') AND planned_status IS NOT NULL "
                "AND NOT (service_id = ANY($2::text[]))",
                at,
                list(skip_services),
            )
            return int(status.split()[-1])

        return await self.engine.write(run)

    async def next_due_at(self) -> datetime | None:
        value = await self.engine.read(
            lambda c: c.fetchval(
                "SELECT MIN(next_action_at) FROM notifications WHERE next_action_at IS NOT NULL"
            )
        )
        return moment(value)

    async def apply_transitions(self, transitions: Sequence[Transition]) -> list[bool]:
        items = list(transitions)
        # rows are locked in id order (a stable sort keeps one row's steps in sequence),
        # so two replicas applying overlapping batches cannot deadlock each other
        order = sorted(range(len(items)), key=lambda i: items[i].notification_id)

        async def run(c: PgConnection) -> list[bool]:
            results = [False] * len(items)
            for index in order:
                results[index] = await apply_transition(c, items[index])
            return results

        return await self.engine.write(run)

    async def record_delivery(self, transition: Transition, message: MessageRecord) -> bool:
        values = message_values(message)

        async def run(c: PgConnection) -> bool:
            if not await apply_transition(c, transition):
                return False
            await c.execute(
                f"INSERT INTO messages ({MESSAGE_COLUMNS}) VALUES ({MESSAGE_PLACEHOLDERS}) "
                "ON CONFLICT (notification_id) DO NOTHING",
                *values,
            )
            return True

        return await self.engine.write(run)

    async def counts_since(self, moment_: datetime) -> list[tuple[str, str, bool, int]]:
        """(service_id, type, international, count) of counted sends since a moment."""
        rows = await self.engine.read(
            lambda c: c.fetch(
                "SELECT service_id, notification_type, international, COUNT(*) "
                "FROM notifications WHERE created_at >= $1 AND key_type != 'test' "
                "GROUP BY service_id, notification_type, international",
                micros(moment_),
            )
        )
        return [(r[0], r[1], bool(r[2]), int(r[3])) for r in rows]

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

        async def run(c: PgConnection) -> None:
            await c.execute(
                "INSERT INTO received_texts VALUES ($1, $2, $3, $4, $5, $6) "
                "ON CONFLICT (id) DO NOTHING",
                *values,
            )
            if callback is not None:
                await insert_callback(c, callback)

        await self.engine.write(run)

    async def list_received_texts(
        self, service_id: str, older_than: str | None, not_before: datetime | None, limit: int
    ) -> list[ReceivedText]:
        p = Params()
        sql = (
            f"SELECT * FROM received_texts WHERE service_id = {p.add(service_id)} "
            f"AND created_at >= {p.add(micros(not_before) or 0)}"
        )
        if older_than is not None:
            sql += (
                " AND created_at < COALESCE("
                f"(SELECT created_at FROM received_texts WHERE id = {p.add(older_than)}), -1)"
            )
        sql += f" ORDER BY created_at DESC LIMIT {p.add(limit)}"
        rows = await self.engine.read(lambda c: c.fetch(sql, *p.values))
        return [received_text_from_row(r) for r in rows]

    # -- outbox view ---------------------------------------------------------
    async def list_messages(self, query: MessageQuery) -> list[MessageRecord]:
        p = Params()
        clauses = [
            f"{column} = {p.add(value)}"
            for column, value in (
                ("service_id", query.service_id),
                ("recipient", query.recipient),
                ("reference", query.reference),
                ("channel", query.channel),
            )
            if value is not None
        ]
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = (
            f"SELECT {MESSAGE_COLUMNS} FROM messages {where} "
            f"ORDER BY created_at DESC LIMIT {p.add(query.limit)}"
        )
        rows = await self.engine.read(lambda c: c.fetch(sql, *p.values))
        return [message_from_row(r) for r in rows]

    async def purge_before(self, moment_: datetime) -> int:
        cutoff = micros(moment_)

        async def run(c: PgConnection) -> int:
            removed = await c.execute(
                "DELETE FROM notifications WHERE created_at < $1 AND next_action_at IS NULL",
                cutoff,
            )
            await c.execute("DELETE FROM messages WHERE created_at < $1", cutoff)
            await c.execute("DELETE FROM received_texts WHERE created_at < $1", cutoff)
            return affected(removed)

        return await self.engine.write(run)


def _listing_sql(query: ListQuery) -> tuple[str, list[object]]:
    p = Params()
    clauses = [
        f"service_id = {p.add(query.service_id)}",
        f"created_at >= {p.add(micros(query.not_before) or 0)}",
    ]
    if query.key_type is not None:
        clauses.append(f"key_type = {p.add(query.key_type.value)}")
    if not query.include_jobs:
        clauses.append("job_id IS NULL")
    if query.template_types:
        clauses.append(f"notification_type = ANY({p.add(list(query.template_types))}::text[])")
    if query.statuses:
        clauses.append(f"status = ANY({p.add(list(query.statuses))}::text[])")
    if query.reference is not None:
        clauses.append(f"reference = {p.add(query.reference)}")
    if query.older_than is not None:
        # an unknown id yields an empty page, as Notify does
        clauses.append(
            "created_at < COALESCE("
            f"(SELECT created_at FROM notifications WHERE id = {p.add(query.older_than)}), -1)"
        )
    sql = (
        f"{_SELECT} WHERE {' AND '.join(clauses)} "
        f"ORDER BY created_at DESC LIMIT {p.add(query.limit)}"
    )
    return sql, p.values

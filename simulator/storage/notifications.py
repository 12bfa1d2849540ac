"""Notifications, received texts and the outbox view: their SQL, for both backends."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from simulator.domain.callbacks import CallbackRecord
from simulator.domain.clock import Clock
from simulator.domain.models import Notification, ReceivedText
from simulator.domain.ports import ListQuery, MessageQuery, MessageRecord, Transition
from simulator.storage.rows import (
    DUE_COLUMNS,
    MESSAGE_COLUMNS,
    NOTIFICATION_COLUMNS,
    RECEIVED_TEXT_COLUMNS,
    by_name,
    message_from_row,
    message_values,
    micros,
    moment,
    notification_from_row,
    notification_values,
    received_text_from_row,
)
from simulator.storage.sql import Database, Program, execute, fetch, named
from simulator.storage.timelines import (
    freeze_rewound,
    read_columns,
    visible_status,
    work_stepwise,
)
from simulator.storage.transitions import apply_transition, insert_callback

__all__ = ["NotificationQueries"]

# what a reader sees at :now (storage/timelines.py: timelines stored once)
_SELECT = f"SELECT {read_columns()} FROM notifications"
_INSERT = (
    f"INSERT INTO notifications ({NOTIFICATION_COLUMNS}) VALUES ({named(NOTIFICATION_COLUMNS)})"
)
_INSERT_MESSAGE = (
    f"INSERT INTO messages ({MESSAGE_COLUMNS}) VALUES ({named(MESSAGE_COLUMNS)}) "
    "ON CONFLICT (notification_id) DO NOTHING"
)
_INSERT_RECEIVED = (
    f"INSERT INTO received_texts ({RECEIVED_TEXT_COLUMNS}) "
    f"VALUES ({named(RECEIVED_TEXT_COLUMNS)}) ON CONFLICT (id) DO NOTHING"
)
# an unknown id as older_than yields an empty page, as Notify does
_OLDER_THAN = "created_at < COALESCE((SELECT created_at FROM {table} WHERE id = :older_than), -1)"


_DUE = (
    f"SELECT {DUE_COLUMNS} FROM notifications "
    "WHERE next_action_at IS NOT NULL AND next_action_at <= :now "
    "ORDER BY next_action_at LIMIT :limit"
)


def _claim_due(
    now: int | None, lease: int | None, limit: int, skip_locked: str
) -> Program[list[tuple[object, ...]]]:
    rows: list[tuple[object, ...]] = yield fetch(
        "UPDATE notifications SET next_action_at = :lease WHERE id IN ("
        "SELECT id FROM notifications WHERE next_action_at IS NOT NULL "
        f"AND next_action_at <= :now ORDER BY next_action_at LIMIT :limit{skip_locked}"
        f") RETURNING {DUE_COLUMNS}",
        {"now": now, "lease": lease, "limit": limit},
    )
    return rows


def _insert(sql: str, values: dict[str, object], callback: CallbackRecord | None) -> Program[None]:
    yield execute(sql, values)
    if callback is not None:
        yield from insert_callback(callback)


def _apply_all(transitions: list[Transition]) -> Program[list[bool]]:
    # rows are changed in id order (a stable sort keeps one row's steps in sequence),
    # so two replicas applying overlapping batches cannot deadlock each other
    order = sorted(range(len(transitions)), key=lambda i: transitions[i].notification_id)
    results = [False] * len(transitions)
    for index in order:
        results[index] = yield from apply_transition(transitions[index])
    return results


def _deliver(transition: Transition, message: dict[str, object]) -> Program[bool]:
    if not (yield from apply_transition(transition)):
        return False
    yield execute(_INSERT_MESSAGE, message)
    return True


def _purge(cutoff: int | None) -> Program[int]:
    removed: int = yield execute(
        "DELETE FROM notifications WHERE created_at < :cutoff AND next_action_at IS NULL",
        {"cutoff": cutoff},
    )
    yield execute("DELETE FROM messages WHERE created_at < :cutoff", {"cutoff": cutoff})
    yield execute("DELETE FROM received_texts WHERE created_at < :cutoff", {"cutoff": cutoff})
    return removed


class NotificationQueries:
    _db: Database
    _clock: Clock

    async def add_notification(
        self, notification: Notification, *, callback: CallbackRecord | None = None
    ) -> None:
        values = by_name(NOTIFICATION_COLUMNS, notification_values(notification))
        await self._db.write(lambda: _insert(_INSERT, values, callback))

    async def get_notification(
        self, service_id: str, notification_id: str, not_before: datetime | None
    ) -> Notification | None:
        row = await self._db.row(
            f"{_SELECT} WHERE id = :id AND service_id = :service_id AND created_at >= :floor",
            {
                "id": notification_id,
                "service_id": service_id,
                "floor": micros(not_before) or 0,
                "now": micros(self._clock.now()),
            },
        )
        return notification_from_row(row) if row else None

    async def find_notification(self, notification_id: str) -> Notification | None:
        row = await self._db.row(
            f"{_SELECT} WHERE id = :id", {"id": notification_id, "now": micros(self._clock.now())}
        )
        return notification_from_row(row) if row else None

    async def find_by_provider_reference(self, reference: str) -> Notification | None:
        row = await self._db.row(
            f"{_SELECT} WHERE provider_reference = :reference LIMIT 1",
            {"reference": reference, "now": micros(self._clock.now())},
        )
        return notification_from_row(row) if row else None

    async def list_notifications(self, query: ListQuery) -> list[Notification]:
        where, params = self._list_where(query)
        params["limit"] = query.limit
        page = " OFFSET :offset" if query.offset else ""
        if query.offset:
            params["offset"] = query.offset
        rows = await self._db.rows(
            f"{_SELECT} WHERE {where} ORDER BY created_at DESC LIMIT :limit{page}", params
        )
        return [notification_from_row(r) for r in rows]

    async def count_notifications(self, query: ListQuery) -> int:
        where, params = self._list_where(query)
        return int(
            await self._db.value(f"SELECT COUNT(*) FROM notifications WHERE {where}", params)
        )

    def _list_where(self, query: ListQuery) -> tuple[str, dict[str, object]]:
        d = self._db.dialect
        clauses = ["service_id = :service_id", "created_at >= :floor"]
        params: dict[str, object] = {
            "service_id": query.service_id,
            "floor": micros(query.not_before) or 0,
            # a status filter is on what a reader sees now
            "now": micros(self._clock.now()),
        }
        if query.key_type is not None:
            clauses.append("key_type = :key_type")
            params["key_type"] = query.key_type.value
        if not query.include_jobs:
            clauses.append("job_id IS NULL")
        if query.template_types:
            clauses.append(d.member("notification_type", "types"))
            params["types"] = d.values(query.template_types)
        if query.statuses:
            clauses.append(d.member(f"({visible_status()})", "statuses"))
            params["statuses"] = d.values(query.statuses)
        if query.reference is not None:
            clauses.append("reference = :reference")
            params["reference"] = query.reference
        if query.older_than is not None:
            clauses.append(_OLDER_THAN.format(table="notifications"))
            params["older_than"] = query.older_than
        return " AND ".join(clauses), params

    async def due_notifications(self, now: datetime, limit: int) -> list[Notification]:
        """A plain read of what is due, oldest first (the worker claims instead)."""
        rows = await self._db.rows(_DUE, {"now": micros(now), "limit": limit})
        return [notification_from_row(r) for r in rows]

    async def claim_due_notifications(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[Notification]:
        """What is due, for one worker to act on.

        On PostgreSQL each claimed row's next_action_at moves to `lease_until`, and the
        claiming SELECT skips rows another replica is claiming at that moment, so two
        replicas never work the same rows (the steps' compare-and-set stays the guard);
        a replica that dies leaves its rows due again once the lease lapses. SQLite has
        one writer and one process, so nothing races it: there it is the plain read.
        """
        skip = self._db.dialect.skip_locked
        if not skip:
            return await self.due_notifications(now, limit)
        rows = await self._db.write(
            lambda: _claim_due(micros(now), micros(lease_until), limit, skip)
        )
        return [notification_from_row(r) for r in rows]

    async def work_stepwise(self, service_id: str, since: datetime) -> int:
        """The service's timelines stored once that still have steps to come become rows
        the worker steps (a delivery-status callback was just set: those steps owe it);
        ``since``: no such timeline was created earlier."""
        now, floor = micros(self._clock.now()), micros(since)
        return await self._db.write(lambda: work_stepwise(service_id, now, floor))

    async def freeze_rewound(self, before: datetime, since: datetime) -> int:
        """The clock went back from ``before``: timelines stored once keep what had
        happened by then; ``since``: no such timeline was created earlier."""
        old, new, floor = micros(before), micros(self._clock.now()), micros(since)
        return await self._db.write(lambda: freeze_rewound(old, new, floor))

    async def next_due_at(self) -> datetime | None:
        value = await self._db.value(
            "SELECT MIN(next_action_at) FROM notifications WHERE next_action_at IS NOT NULL", {}
        )
        return moment(value)

    async def apply_transitions(self, transitions: Sequence[Transition]) -> list[bool]:
        items = list(transitions)
        return await self._db.write(lambda: _apply_all(items))

    async def record_delivery(self, transition: Transition, message: MessageRecord) -> bool:
        values = by_name(MESSAGE_COLUMNS, message_values(message))
        return await self._db.write(lambda: _deliver(transition, values))

    async def counts_since(self, moment_: datetime) -> list[tuple[str, str, bool, int]]:
        """(service_id, type, international, count) of counted sends since a moment."""
        rows = await self._db.rows(
            "SELECT service_id, notification_type, international, COUNT(*) "
            "FROM notifications WHERE created_at >= :since AND key_type != 'test' "
            "GROUP BY service_id, notification_type, international",
            {"since": micros(moment_)},
        )
        return [(str(r[0]), str(r[1]), bool(r[2]), int(r[3])) for r in rows]

    # -- received texts ------------------------------------------------------
    async def add_received_text(
        self, text: ReceivedText, *, callback: CallbackRecord | None = None
    ) -> None:
        values: dict[str, object] = {
            "id": text.id,
            "service_id": text.service_id,
            "user_number": text.user_number,
            "notify_number": text.notify_number,
            "content": text.content,
            "created_at": micros(text.created_at),
        }
        await self._db.write(lambda: _insert(_INSERT_RECEIVED, values, callback))

    async def list_received_texts(
        self, service_id: str, older_than: str | None, not_before: datetime | None, limit: int
    ) -> list[ReceivedText]:
        sql = (
            f"SELECT {RECEIVED_TEXT_COLUMNS} FROM received_texts "
            "WHERE service_id = :service_id AND created_at >= :floor"
        )
        params: dict[str, object] = {
            "service_id": service_id,
            "floor": micros(not_before) or 0,
            "limit": limit,
        }
        if older_than is not None:
            sql += " AND " + _OLDER_THAN.format(table="received_texts")
            params["older_than"] = older_than
        rows = await self._db.rows(sql + " ORDER BY created_at DESC LIMIT :limit", params)
        return [received_text_from_row(r) for r in rows]

    # -- outbox view ---------------------------------------------------------
    async def list_messages(self, query: MessageQuery) -> list[MessageRecord]:
        params: dict[str, object] = {
            column: value
            for column, value in (
                ("service_id", query.service_id),
                ("recipient", query.recipient),
                ("reference", query.reference),
                ("channel", query.channel),
            )
            if value is not None
        }
        where = " AND ".join(f"{column} = :{column}" for column in params)
        rows = await self._db.rows(
            f"SELECT {MESSAGE_COLUMNS} FROM messages {'WHERE ' + where if where else ''} "
            "ORDER BY created_at DESC LIMIT :limit",
            params | {"limit": query.limit},
        )
        return [message_from_row(r) for r in rows]

    async def purge_before(self, moment_: datetime) -> int:
        cutoff = micros(moment_)
        return await self._db.write(lambda: _purge(cutoff))

"""The read use cases (GET /v2/notifications..., templates, received texts) on fakes.

What ReadService decides: each read is held to the service's data retention, the list is
the caller's key type only, a page is the profile's page size, Notify's status aliases
become the statuses they stand for, and what is not the caller's is not found.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from simulator.domain.errors import NotifyError, RouteError
from simulator.domain.messages import UK_MESSAGES, Messages
from simulator.domain.messages_gc import GC_MESSAGES
from simulator.domain.models import (
    ApiKey,
    KeyType,
    Notification,
    NotificationType,
    ReceivedText,
    Service,
    Status,
    Template,
)
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.principal import Principal
from simulator.gateway.reads import ReadService
from tests.unit.fakes import FakeClock, FakeDirectoryStore, FakeNotificationStore, a_notification

SERVICE_ID = "6b8d0f2a-4c6e-4a8c-9e0a-2c4e6a8c0e2a"
OTHER_ID = "7c9e1a3b-5d7f-4b9d-8f1b-3d5f7b9d1f3b"
PAGE = 3


class Reads:
    def __init__(self, messages: Messages = UK_MESSAGES, retention_days: int = 7) -> None:
        self.clock = FakeClock()
        self.store = FakeNotificationStore()
        self.directory_store = FakeDirectoryStore()
        self.service = Service(SERVICE_ID, "Reader", data_retention_days=retention_days)
        self.directory_store.services[SERVICE_ID] = self.service
        self.reads = ReadService(
            store=self.store,
            directory=ServiceDirectory(self.directory_store, ttl=0),
            clock=self.clock,
            messages=messages,
            page_size=PAGE,
        )

    def principal(self, key_type: KeyType = KeyType.NORMAL) -> Principal:
        key = ApiKey(f"{key_type}-key", SERVICE_ID, "k", key_type, "s", self.clock.now())
        return Principal(self.service, key)

    def stored(
        self,
        age: timedelta,
        *,
        key_type: KeyType = KeyType.NORMAL,
        status: Status = Status.DELIVERED,
        service_id: str = SERVICE_ID,
    ) -> Notification:
        n = a_notification(
            service_id,
            self.clock.now() - age,
            id=f"n{len(self.store.notifications)}",
            key_type=key_type,
            status=status,
        )
        self.store.notifications[n.id] = n
        return n


async def test_a_notification_is_read_within_its_service_s_retention_only() -> None:
    r = Reads(retention_days=3)
    kept = r.stored(timedelta(days=2, hours=23))
    gone = r.stored(timedelta(days=3, minutes=1))
    assert await r.reads.notification(r.principal(), kept.id) == kept
    with pytest.raises(NotifyError) as caught:
        await r.reads.notification(r.principal(), gone.id)
    assert (caught.value.status_code, caught.value.error) == (404, "NoResultFound")


async def test_the_retention_follows_the_sandbox_clock() -> None:
    r = Reads(retention_days=7)
    n = r.stored(timedelta(days=6))
    assert await r.reads.notification(r.principal(), n.id) == n
    r.clock.advance(timedelta(days=1, seconds=1).total_seconds())
    with pytest.raises(NotifyError, match="No result found"):
        await r.reads.notification(r.principal(), n.id)


async def test_another_service_s_notification_is_not_found() -> None:
    r = Reads()
    theirs = r.stored(timedelta(0), service_id=OTHER_ID)
    with pytest.raises(NotifyError, match="No result found"):
        await r.reads.notification(r.principal(), theirs.id)


async def test_gc_answers_a_missing_notification_with_its_bare_404() -> None:
    r = Reads(GC_MESSAGES)
    with pytest.raises(RouteError) as caught:
        await r.reads.notification(r.principal(), "nope")
    assert (caught.value.status_code, caught.value.message) == (
        404,
        "Notification not found in database",
    )


async def list_page(r: Reads, older_than: str | None = None, **kw: list[str]) -> list[str]:
    found = await r.reads.notifications(
        r.principal(),
        template_types=kw.get("template_types", []),
        statuses=kw.get("statuses", []),
        reference=None,
        older_than=older_than,
    )
    return [n.id for n in found]


async def test_the_list_pages_newest_first_by_the_profile_s_page_size() -> None:
    r = Reads()
    ids = [r.stored(timedelta(minutes=m)).id for m in range(5)]  # n0 is the newest
    first = await list_page(r)
    assert first == ids[:PAGE]
    assert await list_page(r, older_than=first[-1]) == ids[PAGE:]
    assert r.store.queries[0].limit == PAGE


async def test_the_list_leaves_out_other_key_types_and_what_is_past_retention() -> None:
    r = Reads(retention_days=1)
    mine = r.stored(timedelta(hours=1))
    r.stored(timedelta(hours=1), key_type=KeyType.TEST)
    r.stored(timedelta(days=2))
    assert await list_page(r) == [mine.id]
    assert r.store.queries[0].not_before == r.clock.now() - timedelta(days=1)


async def test_failed_asks_for_every_failure_status_and_all_statuses_for_no_filter() -> None:
    r = Reads()
    failed = r.stored(timedelta(minutes=1), status=Status.PERMANENT_FAILURE)
    r.stored(timedelta(minutes=2), status=Status.DELIVERED)
    assert await list_page(r, statuses=["failed"]) == [failed.id]
    assert Status.TECHNICAL_FAILURE.value in r.store.queries[0].statuses
    every = [s.value for s in Status if s is not Status.FAILED]
    assert len(await list_page(r, statuses=every)) == 2
    assert r.store.queries[1].statuses == []


async def test_templates_leave_out_archived_and_hidden_ones_in_name_order() -> None:
    r = Reads()
    for t in (
        Template("t1", SERVICE_ID, NotificationType.SMS, "Zebra", "z"),
        Template("t2", SERVICE_ID, NotificationType.EMAIL, "Apple", "a", subject="s"),
        Template("t3", SERVICE_ID, NotificationType.SMS, "Old", "o", archived=True),
        Template("t4", SERVICE_ID, NotificationType.SMS, "Hidden", "h", hidden=True),
    ):
        r.directory_store.templates[(t.id, t.version)] = t
    assert [t.id for t in await r.reads.templates(r.principal(), None)] == ["t2", "t1"]
    assert [t.id for t in await r.reads.templates(r.principal(), "sms")] == ["t1"]


async def test_an_older_template_version_is_read_from_the_store() -> None:
    r = Reads()
    first = Template("t1", SERVICE_ID, NotificationType.SMS, "Code", "one")
    r.directory_store.templates[("t1", 1)] = first
    r.directory_store.templates[("t1", 2)] = replace(first, version=2, body="two")
    assert (await r.reads.template(r.principal(), "t1")).body == "two"
    assert (await r.reads.template(r.principal(), "t1", 1)).body == "one"
    with pytest.raises(NotifyError, match="No result found"):
        await r.reads.template(r.principal(), "t1", 3)


async def test_received_texts_are_held_to_retention_too() -> None:
    r = Reads(retention_days=1)
    now = r.clock.now()
    r.store.received += [
        ReceivedText("r1", SERVICE_ID, "447700900465", "07700900000", "new", now),
        ReceivedText(
            "r2", SERVICE_ID, "447700900465", "07700900000", "old", now - timedelta(days=2)
        ),
        ReceivedText("r3", OTHER_ID, "447700900465", "07700900000", "theirs", now),
    ]
    assert [t.id for t in await r.reads.received_texts(r.principal(), None)] == ["r1"]

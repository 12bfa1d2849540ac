"""One contract per storage port, run against SQLite and PostgreSQL alike.

Each test gets an empty store: a new SQLite file, or the session's PostgreSQL database
(created for this run, dropped at the end) with every table emptied. The PostgreSQL
cases are skipped, with the reason, only when no server answers.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from simulator.domain.clock import SandboxClock
from simulator.domain.models import KeyType, Notification, NotificationType, SmsSender, Status
from simulator.domain.ports import (
    InspectionQuery,
    ListQuery,
    MessageQuery,
    StoredFile,
    Transition,
)
from simulator.domain.reports import Report, ReportStatus
from simulator.storage.factory import Storage, open_storage, sqlite_path
from simulator.storage.migrations import schema_files as sqlite_schema_files
from simulator.storage.secret_box import SecretBox
from tests.integration.storage_support import (
    T0,
    callback,
    key,
    later,
    message,
    notification,
    postgres_database,
    postgres_engine,
    raw_rows,
    received,
    service,
    template,
)

BOX = SecretBox(b"storage-contract-master-key-0001")
TABLES = "services, api_keys, templates, notifications, received_texts, messages, key_events, "
TABLES += "callbacks, day_counters, reports, files"
CATEGORY = "b6c42a7e-2a26-4a07-802b-123a5c3198a9"  # a GC template category (schema 1.5.0)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_database() as (url, reason):
        if url is None:
            pytest.skip(f"PostgreSQL unreachable, so its contract cases cannot run: {reason}")
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite://{tmp_path / 'contract.db'}"


class Replicas:
    """Opens as many stores on one database as a test wants, as separate replicas would."""

    def __init__(self, url: str, data_dir: Path) -> None:
        self.url, self.data_dir = url, data_dir
        self.opened: list[Storage] = []
        self.clock = SandboxClock()  # what reads derive timelines stored once from

    async def open(self) -> Storage:
        storage = await open_storage(self.url, self.data_dir, BOX, clock=self.clock)
        self.opened.append(storage)
        return storage


@pytest.fixture
async def replicas(database_url: str, tmp_path: Path) -> AsyncIterator[Replicas]:
    opened = Replicas(database_url, tmp_path)
    first = await opened.open()
    if first.kind == "postgresql":
        await postgres_engine(first.database.engine).write(
            lambda c: c.execute(f"TRUNCATE {TABLES} RESTART IDENTITY")
        )
    yield opened
    for storage in opened.opened:
        await storage.close()


@pytest.fixture
def storage(replicas: Replicas) -> Storage:
    return replicas.opened[0]


# -- directory: services, keys, templates ------------------------------------------------
async def test_services_round_trip_list_by_name_and_update(storage: Storage) -> None:
    store = storage.store
    beta = service(
        name="Beta",
        limits={"sms": 10},
        sms_senders=(SmsSender("s1", "GOVUK", True),),
        callbacks={"delivery_status": {"url": "https://example.com/cb", "bearer_token": "t" * 12}},
    )
    await store.save_service(beta)
    await store.save_service(service(name="Alpha"))
    assert await store.get_service(beta.id) == beta
    assert [s.name for s in await store.list_services()] == ["Alpha", "Beta"]
    beta.name, beta.restricted = "Gamma", False
    await store.save_service(beta)
    assert await store.get_service(beta.id) == beta
    assert await store.get_service("no-such-service") is None
    assert store.schema_version == sqlite_schema_files()[-1][0]


async def test_keys_round_trip_with_the_secret_encrypted_at_rest(storage: Storage) -> None:
    store, owner = storage.store, service()
    await store.save_service(owner)
    k = key(owner.id, permissions=frozenset({"send"}), tier="gold", per_minute_limit=5)
    await store.save_key(k)
    assert await store.get_keys(owner.id) == [k]
    assert await store.find_key_by_secret(k.secret) == k
    assert await store.find_key_by_secret(str(uuid.uuid4())) is None
    needles = (k.secret, uuid.UUID(k.secret).hex)
    for row in await raw_rows(storage, "SELECT * FROM api_keys"):
        assert any(isinstance(cell, bytes) for cell in row)  # the ciphertext
        for cell in row:
            text = cell.decode("latin-1") if isinstance(cell, bytes) else str(cell)
            assert not any(needle in text for needle in needles)
            assert not (isinstance(cell, bytes) and uuid.UUID(k.secret).bytes in cell)


async def test_key_revocation_is_final_and_usage_accumulates(storage: Storage) -> None:
    store, owner = storage.store, service()
    await store.save_service(owner)
    k = key(owner.id, revoked_at=later(1))
    await store.save_key(k)
    k.revoked_at, k.name = later(5), "renamed"
    await store.save_key(k)
    await store.touch_keys({k.id: later(2)}, {k.id: 3})
    await store.touch_keys({k.id: later(3)}, {k.id: 2})
    [stored] = await store.get_keys(owner.id)
    assert (stored.revoked_at, stored.name) == (later(1), "renamed")
    assert (stored.last_used_at, stored.request_count) == (later(3), 5)
    await store.delete_key(k.id)
    assert await store.get_keys(owner.id) == []


async def test_templates_keep_every_version_and_list_the_latest(storage: Storage) -> None:
    store, owner = storage.store, service()
    await store.save_service(owner)
    first = template(owner.id, body="v1")
    second = template(
        owner.id, id=first.id, version=2, body="v2", updated_at=later(1), category_id=CATEGORY
    )
    other = template(owner.id, type=NotificationType.EMAIL, subject="Hi")
    for t in (first, second, other):
        await store.save_template(t)
    assert await store.get_template(owner.id, first.id) == second
    assert await store.get_template(owner.id, first.id, 1) == first
    assert await store.get_template("another-service", first.id) is None
    listed = await store.list_templates(owner.id)
    assert sorted(listed, key=lambda t: t.id) == sorted([second, other], key=lambda t: t.id)
    second.archived, second.updated_at = True, later(9)
    await store.save_template(second)
    stored = await store.get_template(owner.id, first.id)
    assert stored is not None and stored.archived and stored.updated_at == later(1)


# -- notifications ---------------------------------------------------------------------------
async def test_notifications_get_and_list_with_filters_paging_and_retention(
    storage: Storage,
) -> None:
    store, sid = storage.store, "svc-list"
    n = [
        notification(sid, later(0)),
        notification(sid, later(1), reference="r1", status=Status.DELIVERED),
        notification(sid, later(2), type=NotificationType.EMAIL, to="a@b.com", subject="S"),
        notification(sid, later(3), key_type=KeyType.TEST),
        notification(sid, later(4), reference="r1", status=Status.PERMANENT_FAILURE),
        notification("svc-other", later(5)),
    ]
    for item in n:
        await store.add_notification(item)
    assert await store.get_notification(sid, n[0].id, None) == n[0]
    assert await store.get_notification("svc-other", n[0].id, None) is None
    assert await store.get_notification(sid, n[0].id, later(1)) is None  # past retention
    assert await store.find_notification(n[5].id) == n[5]

    async def ids(**query: Any) -> list[str]:
        found = await store.list_notifications(ListQuery(sid, **query))
        return [item.id for item in found]

    assert await ids(key_type=None) == [n[4].id, n[3].id, n[2].id, n[1].id, n[0].id]
    assert await ids(key_type=KeyType.NORMAL) == [n[4].id, n[2].id, n[1].id, n[0].id]
    assert await ids(key_type=None, template_types=["email"]) == [n[2].id]
    statuses = ["delivered", "permanent-failure"]
    assert await ids(key_type=None, statuses=statuses) == [n[4].id, n[1].id]
    assert await ids(key_type=None, reference="r1") == [n[4].id, n[1].id]
    assert await ids(key_type=None, older_than=n[2].id) == [n[1].id, n[0].id]
    assert await ids(key_type=None, older_than=str(uuid.uuid4())) == []
    assert await ids(key_type=None, not_before=later(2)) == [n[4].id, n[3].id, n[2].id]
    assert await ids(key_type=None, limit=2) == [n[4].id, n[3].id]


async def test_due_steps_are_compare_and_set(storage: Storage) -> None:
    store = storage.store
    soon = notification("svc", next_action_at=later(1))
    later_one = notification("svc", next_action_at=later(5))
    await store.add_notification(soon)
    await store.add_notification(later_one)
    await store.add_notification(notification("svc"))
    assert [x.id for x in await store.due_notifications(later(2), 10)] == [soon.id]
    assert [x.id for x in await store.due_notifications(later(9), 10)] == [soon.id, later_one.id]
    assert await store.next_due_at() == later(1)
    step = Transition(
        soon.id, Status.CREATED, Status.SENDING, later(2), later(3), True, "outbox", "ref-9", "d"
    )
    assert await store.apply_transitions([step]) == [True]
    assert await store.apply_transitions([step]) == [False]  # the same step, again: refused
    sent = await store.find_notification(soon.id)
    assert sent is not None and (sent.status, sent.sent_at, sent.updated_at) == (
        Status.SENDING,
        later(2),
        later(2),
    )
    assert (sent.next_action_at, sent.provider, sent.status_detail) == (later(3), "outbox", "d")
    found = await store.find_by_provider_reference("ref-9")
    assert found is not None and found.id == soon.id
    batch = [
        Transition(later_one.id, Status.CREATED, Status.SENDING, later(6)),
        Transition(soon.id, Status.CREATED, Status.DELIVERED, later(6)),  # stale
        Transition(soon.id, Status.SENDING, Status.DELIVERED, later(6)),
    ]
    assert await store.apply_transitions(batch) == [True, False, True]
    done = await store.find_notification(soon.id)
    assert done is not None and (done.status, done.provider) == (Status.DELIVERED, "outbox")
    assert [x.id for x in await store.due_notifications(later(99), 10)] == []


async def test_claim_guard_lets_one_of_many_claimers_win(storage: Storage) -> None:
    store, n = storage.store, notification("svc", next_action_at=T0)
    await store.add_notification(n)

    def claim(attempts: int) -> Transition:
        return Transition(
            n.id,
            Status.CREATED,
            Status.CREATED,
            later(1),
            next_action_at=later(3),
            attempts_delta=1,
            expected_attempts=attempts,
        )

    results = await asyncio.gather(*(store.apply_transitions([claim(0)]) for _ in range(6)))
    assert sum(r[0] for r in results) == 1
    assert await store.apply_transitions([claim(0)]) == [False]
    assert await store.apply_transitions([claim(1)]) == [True]
    claimed = await store.find_notification(n.id)
    assert claimed is not None and (claimed.attempts, claimed.next_action_at) == (2, later(3))


async def test_a_step_queues_its_callback_only_when_it_applies(storage: Storage) -> None:
    store, n = storage.store, notification("svc")
    await store.add_notification(n)
    first = Transition(
        n.id, Status.CREATED, Status.DELIVERED, later(1), callback=callback("svc", n.id)
    )
    stale = Transition(
        n.id, Status.CREATED, Status.FAILED, later(2), callback=callback("svc", n.id)
    )
    assert await store.apply_transitions([first, stale]) == [True, False]
    [queued] = await storage.callbacks.for_subject(n.id)
    assert first.callback is not None
    assert (queued["id"], queued["status"], queued["attempts"]) == (first.callback.id, "pending", 0)
    assert queued["payload"] == {"id": n.id, "status": "delivered"}


async def test_record_delivery_is_atomic_with_the_message_row(storage: Storage) -> None:
    store = storage.store
    n, broken = notification("svc"), notification("svc")
    await store.add_notification(n)
    await store.add_notification(broken)
    step = Transition(n.id, Status.CREATED, Status.SENDING, later(1), provider_reference="p-1")
    record = message(n, html="<p>Hello Ada</p>", reference="r")
    assert await store.record_delivery(step, record) is True
    assert await store.record_delivery(step, record) is False
    assert await store.list_messages(MessageQuery(service_id="svc")) == [record]
    bad_step = Transition(broken.id, Status.CREATED, Status.SENDING, later(1))
    # a value neither driver can bind fails the message insert after the status update ran
    with pytest.raises(Exception):  # noqa: B017 - each driver has its own error type
        await store.record_delivery(bad_step, message(broken, html=object()))
    untouched = await store.find_notification(broken.id)
    assert untouched is not None and untouched.status is Status.CREATED
    assert [m.notification_id for m in await store.list_messages(MessageQuery())] == [n.id]


async def test_outbox_filters_counts_and_purge(storage: Storage) -> None:
    store = storage.store
    old = notification("svc", later(-10), api_key_id="key-a")
    kept = notification("svc", later(-10), api_key_id="key-a", next_action_at=later(1))
    sms = notification("svc", later(1), api_key_id="key-a", international=True)
    email = notification("svc", later(2), api_key_id="key-a", type=NotificationType.EMAIL)
    test = notification("svc", later(3), key_type=KeyType.TEST)
    for n in (old, kept, sms, email, test):
        await store.add_notification(n)
    for n, channel in ((old, NotificationType.SMS), (email, NotificationType.EMAIL)):
        await store.record_delivery(
            Transition(n.id, Status.CREATED, Status.SENDING, n.created_at),
            message(n, channel=channel, recipient=f"to-{n.id}"),
        )
    await store.add_received_text(received("svc", later(-10)))
    assert [
        m.notification_id for m in await store.list_messages(MessageQuery(channel="email"))
    ] == [email.id]
    by_recipient = await store.list_messages(MessageQuery(recipient=f"to-{old.id}"))
    assert [m.notification_id for m in by_recipient] == [old.id]
    counts = sorted((s, t, bool(i), c) for s, t, i, c in await store.counts_since(later(0)))
    assert counts == [("svc", "email", False, 1), ("svc", "sms", True, 1)]
    assert await store.sends_by_key("key-a") == {"sms": 3, "email": 1}
    assert await store.sends_by_key("key-a", since=later(0)) == {"sms": 1, "email": 1}
    assert await store.purge_before(later(0)) == 1
    assert await store.find_notification(old.id) is None
    assert await store.find_notification(kept.id) is not None  # still in flight
    assert [m.notification_id for m in await store.list_messages(MessageQuery())] == [email.id]
    assert await store.list_received_texts("svc", None, None, 10) == []


async def test_received_texts_list_newest_first_with_paging(storage: Storage) -> None:
    store = storage.store
    texts = [received("svc", later(i), f"text {i}") for i in range(4)]
    for text in texts:
        await store.add_received_text(text)
    await store.add_received_text(texts[1])  # a redelivered text is stored once
    await store.add_received_text(received("svc-other", later(9)))
    inbound = received("svc", later(5))
    await store.add_received_text(inbound, callback=callback("svc", inbound.id, later(5)))
    assert len(await storage.callbacks.for_subject(inbound.id)) == 1
    newest = [inbound, *reversed(texts)]
    assert await store.list_received_texts("svc", None, None, 10) == newest
    assert await store.list_received_texts("svc", texts[2].id, None, 10) == texts[1::-1]
    assert await store.list_received_texts("svc", str(uuid.uuid4()), None, 10) == []
    assert await store.list_received_texts("svc", None, later(2), 10) == newest[:3]
    assert await store.list_received_texts("svc", None, None, 2) == newest[:2]


async def test_key_events_newest_first(storage: Storage) -> None:
    store = storage.store
    for i in range(3):
        await store.add_key_event("k1", "svc", f"event-{i}", None if i else "first", later(i))
    await store.add_key_event("k2", "svc", "other", None, later(9))
    events = await store.list_key_events("k1")
    assert [e["event"] for e in events] == ["event-2", "event-1", "event-0"]
    assert events[-1] == {"event": "event-0", "detail": "first", "at": later(0)}
    assert len(await store.list_key_events("k1", limit=2)) == 2


async def test_day_counter_snapshots_keep_the_latest_figure(storage: Storage) -> None:
    store = storage.store
    await store.save_day_counters([("requests-k1", "2030-01-01", "total", 3)])
    await store.save_day_counters(
        [("requests-k1", "2030-01-01", "total", 7), ("key-k1", "2030-01-01", "sms", 2)]
    )
    await store.save_day_counters([("requests-k1", "2030-01-02", "total", 1)])
    assert sorted(await store.load_day_counters("2030-01-01")) == [
        ("key-k1", "2030-01-01", "sms", 2),
        ("requests-k1", "2030-01-01", "total", 7),
    ]


# -- callbacks ---------------------------------------------------------------------------------
async def test_callbacks_claim_lease_and_finish(storage: Storage) -> None:
    queue = storage.callbacks
    records = [callback("svc", f"n{i}", later(i)) for i in range(3)]
    for record in records:
        await queue.add(record)
    await queue.add(records[0])  # added twice, queued once
    assert await queue.next_due_at() == T0
    claimed = await queue.claim_due(later(1), later(10), 10)
    assert [(c.id, c.attempts) for c in claimed] == [(records[0].id, 1), (records[1].id, 1)]
    assert claimed[0].payload == records[0].payload and claimed[0].kind == "delivery_status"
    assert await queue.claim_due(later(1), later(10), 10) == []  # leased
    again = await queue.claim_due(later(10), later(20), 10)
    assert {(c.id, c.attempts) for c in again} == {
        (records[0].id, 2),
        (records[1].id, 2),
        (records[2].id, 1),
    }
    await queue.finish(
        records[0].id, status="delivered", next_attempt_at=None, error=None, at=later(11)
    )
    [done] = await queue.for_subject("n0")
    assert (done["status"], done["attempts"], done["updated_at"]) == ("delivered", 2, later(11))
    assert await queue.next_due_at() == later(20)


async def test_concurrent_claimers_never_share_a_callback(replicas: Replicas) -> None:
    first, second = replicas.opened[0], await replicas.open()
    for i in range(40):
        await first.callbacks.add(callback("svc", f"n{i}", later(0)))

    async def drain(storage: Storage) -> list[str]:
        taken: list[str] = []
        while batch := await storage.callbacks.claim_due(later(1), later(100), 3):
            taken += [c.id for c in batch]
        return taken

    results = await asyncio.gather(drain(first), drain(second), drain(first), drain(second))
    ids = [i for taken in results for i in taken]
    assert len(ids) == len(set(ids)) == 40


async def test_replicas_claiming_due_notifications_never_share_one(replicas: Replicas) -> None:
    first, second = replicas.opened[0], await replicas.open()
    for i in range(40):
        await first.store.add_notification(notification("svc", next_action_at=later(i % 3)))
    sqlite = replicas.url.startswith("sqlite")

    async def drain(storage: Storage) -> list[str]:
        taken: list[str] = []
        for _ in range(40):  # bounded: SQLite's plain read never runs dry
            batch = await storage.store.claim_due_notifications(later(5), later(100), 3)
            if not batch or sqlite:
                return taken + [n.id for n in batch]
            taken += [n.id for n in batch]
        return taken

    if sqlite:  # one writer, one process: the claim is the plain read, oldest first
        assert len(await drain(first)) == 3
        return
    results = await asyncio.gather(drain(first), drain(second), drain(first), drain(second))
    ids = [i for taken in results for i in taken]
    assert len(ids) == len(set(ids)) == 40
    # the lease lapses: a replica that died leaves its rows due again
    assert len(await first.store.claim_due_notifications(later(101), later(200), 100)) == 40


def stored_once(**changes: Any) -> Notification:
    """A test-key timeline stored whole: handed off at 1, temporary-failure at 3."""
    values: dict[str, Any] = {
        "key_type": KeyType.TEST,
        "sent_at": later(1),
        "updated_at": later(3),
        "planned_status": Status.TEMPORARY_FAILURE,
        "in_flight_status": Status.SENDING,
    }
    return notification("svc", **(values | changes))


async def test_a_timeline_stored_once_shows_the_step_the_clock_has_reached(
    replicas: Replicas,
) -> None:
    storage, clock = replicas.opened[0], replicas.clock
    store = storage.store
    plain, abroad = stored_once(), stored_once(in_flight_status=Status.SENT)
    stepwise = notification("svc", key_type=KeyType.TEST, next_action_at=later(1))
    for n in (plain, abroad, stepwise):
        await store.add_notification(n)

    async def seen(minutes: float, n: Notification = plain) -> tuple[object, ...]:
        clock.set(later(minutes))
        found = await store.find_notification(n.id)
        assert found is not None
        return found.status, found.sent_at, found.updated_at, found.completed_at

    assert await seen(0.5) == (Status.CREATED, None, None, None)
    assert await seen(2) == (Status.SENDING, later(1), later(1), None)
    assert await seen(2, abroad) == (Status.SENT, later(1), later(1), later(1))
    assert await seen(4) == (Status.TEMPORARY_FAILURE, later(1), later(3), later(3))
    assert await seen(4, stepwise) == (Status.CREATED, None, None, None)  # the worker's

    clock.set(later(2))  # filters see the same status as a read by id
    got = await store.get_notification("svc", plain.id, None)
    assert got is not None and got.status is Status.SENDING
    listed = await store.list_notifications(ListQuery("svc", None, statuses=("sending", "sent")))
    assert sorted(n.id for n in listed) == sorted([plain.id, abroad.id])
    inspected = await storage.inspection.find(InspectionQuery(status="sent"))
    assert [r.notification.id for r in inspected] == [abroad.id]
    assert [r.notification.status for r in inspected] == [Status.SENT]
    clock.set(later(4))
    failed = await store.list_notifications(ListQuery("svc", None, statuses=("temporary-failure",)))
    assert sorted(n.id for n in failed) == sorted([plain.id, abroad.id])
    due = await store.due_notifications(later(4), 10)
    assert [n.id for n in due] == [stepwise.id]  # a timeline stored once is never due


async def test_a_callback_set_hands_the_steps_to_come_to_the_worker(replicas: Replicas) -> None:
    store, clock = replicas.opened[0].store, replicas.clock
    flying, waiting, done = stored_once(), stored_once(), stored_once(updated_at=later(1.5))
    waiting.sent_at = later(2.5)
    other = replace(stored_once(), service_id="other")
    for n in (flying, waiting, done, other):
        await store.add_notification(n)

    clock.set(later(2))
    assert await store.work_stepwise("svc", later(-10)) == 2
    assert await store.work_stepwise("svc", later(-10)) == 0  # once
    found = {n.id: await store.find_notification(n.id) for n in (flying, waiting, done, other)}
    assert [
        (f.status, f.sent_at, f.updated_at, f.next_action_at, f.in_flight_status)
        for f in found.values()
        if f is not None
    ] == [
        (Status.SENDING, later(1), later(1), later(3), None),
        (Status.CREATED, None, None, later(2.5), None),
        (Status.TEMPORARY_FAILURE, later(1), later(1.5), None, Status.SENDING),
        (Status.SENDING, later(1), later(1), None, Status.SENDING),
    ]
    due = await store.due_notifications(later(3), 10)
    assert [(n.id, n.status) for n in due] == [
        (waiting.id, Status.CREATED),
        (flying.id, Status.SENDING),
    ]


async def test_a_clock_moved_back_keeps_what_had_happened(replicas: Replicas) -> None:
    store, clock = replicas.opened[0].store, replicas.clock
    done = stored_once()  # final by 4
    flying = stored_once(sent_at=later(2), updated_at=later(6))  # in flight at 4
    ahead = stored_once(sent_at=later(5), updated_at=later(7))  # nothing by 4
    early = stored_once(sent_at=later(0.2), updated_at=later(0.4))  # final before 0.5 too
    for n in (done, flying, ahead, early):
        await store.add_notification(n)

    clock.set(later(0.5))  # back from 4
    assert await store.freeze_rewound(later(4), later(-10)) == 2
    found = [await store.find_notification(n.id) for n in (done, flying, ahead, early)]
    assert [
        (f.status, f.sent_at, f.updated_at, f.next_action_at) for f in found if f is not None
    ] == [
        (Status.TEMPORARY_FAILURE, later(1), later(3), None),
        (Status.SENDING, later(2), later(2), later(6)),
        (Status.CREATED, None, None, None),
        (Status.TEMPORARY_FAILURE, later(0.2), later(0.4), None),
    ]


# -- inspection --------------------------------------------------------------------------------
async def test_inspection_find_delete_and_purge(storage: Storage) -> None:
    store, view = storage.store, storage.inspection
    sms = notification("svc", later(0))
    email = notification("svc", later(1), type=NotificationType.EMAIL, to="a@b.com")
    await store.add_notification(notification("svc-other", later(2)))
    await store.add_notification(sms, callback=callback("svc", sms.id))
    await store.add_notification(email)
    step = Transition(sms.id, Status.CREATED, Status.SENDING, later(1))
    await store.record_delivery(step, message(sms, html="<p>x</p>"))

    async def ids(**query: Any) -> list[str]:
        return [r.notification.id for r in await view.find(InspectionQuery(**query))]

    rows = await view.find(InspectionQuery(service_id="svc"))
    assert [r.notification.id for r in rows] == [email.id, sms.id]
    assert (rows[1].provider, rows[1].plain_text, rows[1].html) == ("outbox", sms.body, "<p>x</p>")
    assert rows[1].fragment_count == 1 and rows[0].provider is None
    assert await ids(recipient="07700 900123", service_id="svc") == [sms.id]
    assert await ids(recipient="+447700900123", normalised_recipient="447700900123") != []
    assert await ids(status="sending") == [sms.id]
    assert await ids(since=later(1), channel="email") == [email.id]
    assert await ids(notification_id=sms.id, limit=1) == [sms.id]
    assert await view.delete(InspectionQuery(service_id="svc", channel="sms")) == 1
    assert await store.find_notification(sms.id) is None
    assert await store.list_messages(MessageQuery()) == []
    assert await storage.callbacks.for_subject(sms.id) == []
    await store.add_received_text(received("svc", later(0)))
    assert await view.purge_service_before("svc", later(10)) == 1
    assert await ids() != [] and await ids(service_id="svc") == []
    assert await store.list_received_texts("svc", None, None, 10) == []


# -- replicas and wiring ----------------------------------------------------------------------
async def test_two_replicas_see_each_others_writes(replicas: Replicas) -> None:
    a, b = replicas.opened[0].store, (await replicas.open()).store
    owner = service()
    await a.save_service(owner)
    assert await b.get_service(owner.id) == owner
    k = key(owner.id)
    await b.save_key(k)
    assert await a.find_key_by_secret(k.secret) == k
    n = notification(owner.id, next_action_at=T0)
    await b.add_notification(n)
    assert await a.find_notification(n.id) == n
    claim = Transition(
        n.id,
        Status.CREATED,
        Status.CREATED,
        later(1),
        later(2),
        attempts_delta=1,
        expected_attempts=0,
    )
    results = await asyncio.gather(a.apply_transitions([claim]), b.apply_transitions([claim]))
    assert sorted(r[0] for r in results) == [False, True]


def test_database_urls_choose_the_backend(tmp_path: Path) -> None:
    assert sqlite_path(None, tmp_path) == tmp_path / "sandbox.db"
    assert sqlite_path("sqlite://", tmp_path) == tmp_path / "sandbox.db"
    assert sqlite_path("sqlite:///srv/x.db", tmp_path) == Path("/srv/x.db")
    with pytest.raises(ValueError, match="mysql"):
        asyncio.run(open_storage("mysql://db/x", tmp_path, BOX))


# -- reports (GC's /v2/reports, schema 1.7.0) ---------------------------------------------------


async def test_reports_round_trip_page_count_and_finish_once(storage: Storage) -> None:
    store, owner = storage.store, service()
    await store.save_service(owner)

    def report(minutes: float, **extra: Any) -> Report:
        fields: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "service_id": owner.id,
            "report_type": "sms",
            "language": "en",
            "status": ReportStatus.REQUESTED,
            "requested_at": later(minutes),
            "completed_at": later(minutes),
            "api_key_id": str(uuid.uuid4()),
        }
        return Report(**{**fields, **extra})

    old, new, by_admin = report(0), report(5), report(6, api_key_id=None)
    for r in (old, new, by_admin):
        await store.add_report(r)
    assert await store.get_report(owner.id, old.id) == old
    assert await store.get_report("another-service", old.id) is None
    assert [r.id for r in await store.list_reports(owner.id, None, 10)] == [
        by_admin.id,
        new.id,
        old.id,
    ]
    assert [r.id for r in await store.list_reports(owner.id, new.id, 10)] == [old.id]
    assert await store.list_reports(owner.id, str(uuid.uuid4()), 10) == []
    # only the API's requests count towards the hourly limit
    assert await store.report_requests_since(owner.id, later(-1)) == [later(0), later(5)]
    ready = replace(old, status=ReportStatus.READY, expires_at=later(60), content="a,b\n")
    assert await store.finish_report(ready) is True
    assert await store.finish_report(ready) is False  # finished once
    assert await store.get_report(owner.id, old.id, with_content=True) == ready
    without = await store.get_report(owner.id, old.id)
    assert without is not None and without.content is None


# -- kept files: letter PDFs, send-a-file documents, attachments ----------------------------
async def test_files_keep_their_bytes_replace_by_kind_and_id_and_expire(storage: Storage) -> None:
    files = storage.files
    content = bytes(range(256)) * 4  # every byte value, NUL included
    pdf = StoredFile(
        id="n-1",
        kind="letter-pdf",
        service_id="s-1",
        content=content,
        created_at=T0,
        notification_id="n-1",
        meta={"precompiled": True},
    )
    document = replace(pdf, id="d-1", kind="document", expires_at=later(60), meta={"a": "b"})
    await files.put_file(pdf)
    await files.put_file(document)
    assert await files.get_file("letter-pdf", "n-1") == pdf
    assert await files.get_file("document", "n-1") is None
    assert [f.kind for f in await files.files_for("n-1")] == ["document", "letter-pdf"]
    await files.put_file(replace(pdf, content=b"%PDF-again"))
    again = await files.get_file("letter-pdf", "n-1")
    assert again is not None and again.content == b"%PDF-again"
    assert await files.delete_expired_files(later(30)) == 0
    assert await files.delete_expired_files(later(60)) == 1
    assert await files.get_file("document", "d-1") is None

"""Callback planning and callback health on in-memory fakes of the ports.

CallbackPlanner decides which callback a status change or an inbound text owes the
service (none when it has no setting, or GC's is suspended); CallbackHealth counts failed
attempts in a sliding window on the sandbox clock and stores the suspension with the
service's settings.
"""

from __future__ import annotations

from datetime import timedelta

from simulator.domain.callback_health import FAILED_AT, SUSPENDED, SUSPENDED_AT, SuspensionRules
from simulator.domain.messages_gc import GC_STATUS_DESCRIPTIONS
from simulator.domain.models import (
    KeyType,
    Notification,
    ReceivedText,
    Service,
    Status,
)
from simulator.domain.ports import Transition
from simulator.gateway.callback_health import CallbackHealth
from simulator.gateway.callback_planner import CallbackPlanner
from simulator.gateway.directory import ServiceDirectory
from tests.unit.fakes import Changes, FakeClock, FakeDirectoryStore, a_notification
from tests.unit.send_kit import profile_named

SERVICE_ID = "9e1a3c5e-7a9c-4e1a-8c3e-5a7c9e1a3c5e"
SETTING = {"url": "https://example.gov.uk/callback", "bearer_token": "a-long-bearer-token"}


def store_with(**callbacks: dict[str, str]) -> FakeDirectoryStore:
    store = FakeDirectoryStore()
    store.services[SERVICE_ID] = Service(SERVICE_ID, "Called back", callbacks=dict(callbacks))
    return store


def planner(store: FakeDirectoryStore, *, gc: bool = False) -> CallbackPlanner:
    directory = ServiceDirectory(store, ttl=0)
    if not gc:
        return CallbackPlanner(directory)
    rules = profile_named("ca").simulation
    return CallbackPlanner(directory, status_descriptions=GC_STATUS_DESCRIPTIONS, simulation=rules)


def notification(clock: FakeClock, to: str = "07700900465") -> Notification:
    return a_notification(
        SERVICE_ID,
        clock.now(),
        key_type=KeyType.TEST,
        status=Status.SENDING,
        to=to,
        normalised_to=to,
        template_version=4,
        reference="ref-9",
    )


async def test_a_final_status_owes_the_service_its_delivery_callback() -> None:
    clock = FakeClock()
    n = notification(clock)
    at = clock.now() + timedelta(seconds=3)
    record = await planner(store_with(delivery_status=SETTING)).for_status(
        n, Status.DELIVERED, at, n.created_at
    )
    assert record is not None
    assert (record.kind, record.subject_id, record.service_id) == (
        "delivery_status",
        n.id,
        SERVICE_ID,
    )
    assert record.created_at == at
    assert {k: record.payload[k] for k in ("id", "reference", "status", "template_version")} == {
        "id": n.id,
        "reference": "ref-9",
        "status": "delivered",
        "template_version": 4,
    }


async def test_no_callback_for_a_status_that_is_not_final_or_a_service_without_a_setting() -> None:
    clock = FakeClock()
    n = notification(clock)
    configured = planner(store_with(delivery_status=SETTING))
    assert await configured.for_status(n, Status.SENDING, clock.now(), None) is None
    unconfigured = planner(store_with(inbound_sms=SETTING))
    assert await unconfigured.for_status(n, Status.DELIVERED, clock.now(), None) is None


async def test_a_suspended_callback_is_owed_nothing() -> None:
    clock = FakeClock()
    suspended = {**SETTING, SUSPENDED: "true"}
    record = await planner(store_with(delivery_status=suspended), gc=True).for_status(
        notification(clock), Status.DELIVERED, clock.now(), None
    )
    assert record is None


async def test_gc_s_payload_carries_its_status_texts_instead_of_the_template() -> None:
    clock = FakeClock()
    n = notification(clock, to="+15149301633")  # GC's temporary-failure number
    record = await planner(store_with(delivery_status=SETTING), gc=True).for_status(
        n, Status.TEMPORARY_FAILURE, clock.now(), None
    )
    assert record is not None
    assert "template_id" not in record.payload
    assert record.payload["provider_response"] == (
        "Phone carrier is currently unreachable/unavailable"
    )
    expected = GC_STATUS_DESCRIPTIONS["sms"]["temporary-failure"]
    assert record.payload["status_description"] == expected


async def test_a_transition_carries_its_callback_only_when_the_status_changes() -> None:
    clock = FakeClock()
    n = notification(clock)
    p = planner(store_with(delivery_status=SETTING))
    same = Transition(n.id, Status.SENDING, Status.SENDING, clock.now())
    assert await p.attach(n, same) is same
    final = Transition(n.id, Status.SENDING, Status.DELIVERED, clock.now(), set_sent_at=True)
    attached = await p.attach(n, final)
    assert attached.callback is not None
    assert attached.callback.payload["sent_at"] == attached.callback.payload["completed_at"]


async def test_an_inbound_text_owes_its_callback_where_one_is_set() -> None:
    clock = FakeClock()
    text = ReceivedText("r1", SERVICE_ID, "447700900465", "07700900000", "Hello", clock.now())
    record = await planner(store_with(inbound_sms=SETTING)).for_inbound(text)
    assert record is not None and record.kind == "inbound_sms"
    assert (record.payload["source_number"], record.payload["message"]) == (
        "447700900465",
        "Hello",
    )
    assert await planner(store_with(delivery_status=SETTING)).for_inbound(text) is None


RULES = SuspensionRules(failures=3, window_seconds=60)


def health(store: FakeDirectoryStore, clock: FakeClock, changes: Changes) -> CallbackHealth:
    return CallbackHealth(rules=RULES, store=store, clock=clock, on_change=changes)


async def test_the_failure_that_reaches_the_threshold_suspends_and_stores_it() -> None:
    store, clock, changes = store_with(delivery_status=SETTING), FakeClock(), Changes()
    h = health(store, clock, changes)
    for _ in range(RULES.failures - 1):
        await h.failed(SERVICE_ID, "delivery_status")
    assert SUSPENDED not in store.services[SERVICE_ID].callbacks["delivery_status"]
    assert h.recent_failures(store.services[SERVICE_ID], "delivery_status") == 2

    await h.failed(SERVICE_ID, "delivery_status")
    settings = store.services[SERVICE_ID].callbacks["delivery_status"]
    assert settings[SUSPENDED] == "true" and settings[SUSPENDED_AT].startswith("2026-11-23T09:00")
    assert settings["url"] == SETTING["url"]
    assert changes.seen == [SERVICE_ID]
    assert h.view(store.services[SERVICE_ID], "delivery_status")["is_suspended"] is True


async def test_failures_older_than_the_window_do_not_count() -> None:
    store, clock, changes = store_with(delivery_status=SETTING), FakeClock(), Changes()
    h = health(store, clock, changes)
    await h.failed(SERVICE_ID, "delivery_status")
    await h.failed(SERVICE_ID, "delivery_status")
    clock.advance(RULES.window_seconds + 1)
    await h.failed(SERVICE_ID, "delivery_status")
    assert h.recent_failures(store.services[SERVICE_ID], "delivery_status") == 1
    assert changes.seen == []


async def test_a_resume_is_stored_and_starts_a_new_count() -> None:
    store, clock, changes = store_with(delivery_status=SETTING), FakeClock(), Changes()
    h = health(store, clock, changes)
    await h.set_suspended(SERVICE_ID, "delivery_status", True)
    await h.failed(SERVICE_ID, "delivery_status")
    resumed = await h.set_suspended(SERVICE_ID, "delivery_status", False)
    assert resumed is not None and resumed.callbacks["delivery_status"][SUSPENDED] == "false"
    assert store.services[SERVICE_ID] == resumed
    assert h.recent_failures(store.services[SERVICE_ID], "delivery_status") == 0
    assert changes.seen == [SERVICE_ID, SERVICE_ID]


async def test_the_count_is_stored_and_read_back_after_a_restart() -> None:
    store, clock, changes = store_with(delivery_status=SETTING), FakeClock(), Changes()
    before = health(store, clock, changes)
    await before.failed(SERVICE_ID, "delivery_status")
    await before.failed(SERVICE_ID, "delivery_status")
    assert FAILED_AT in store.services[SERVICE_ID].callbacks["delivery_status"]
    after = health(store, clock, changes)  # a new process over the same data
    assert after.recent_failures(store.services[SERVICE_ID], "delivery_status") == 2
    await after.failed(SERVICE_ID, "delivery_status")  # the third: the threshold
    settings = store.services[SERVICE_ID].callbacks["delivery_status"]
    assert settings[SUSPENDED] == "true" and FAILED_AT not in settings
    # and the stored count still ages out of the window
    fresh, later = store_with(delivery_status=SETTING), FakeClock()
    h = health(fresh, later, changes)
    await h.failed(SERVICE_ID, "delivery_status")
    later.advance(RULES.window_seconds + 1)
    assert (
        health(fresh, later, changes).recent_failures(fresh.services[SERVICE_ID], "delivery_status")
        == 0
    )


async def test_without_rules_nothing_is_counted_or_suspended() -> None:
    store, clock, changes = store_with(delivery_status=SETTING), FakeClock(), Changes()
    h = CallbackHealth(rules=None, store=store, clock=clock, on_change=changes)
    for _ in range(30):
        await h.failed(SERVICE_ID, "delivery_status")
    assert store.services[SERVICE_ID].callbacks["delivery_status"] == SETTING
    view = h.view(store.services[SERVICE_ID], "delivery_status")
    assert (view["recent_failures"], view["suspends_after"], changes.seen) == (0, None, [])


async def test_a_kind_the_rules_do_not_cover_is_never_suspended() -> None:
    store, clock, changes = store_with(inbound_sms=SETTING), FakeClock(), Changes()
    h = health(store, clock, changes)
    for _ in range(RULES.failures):
        await h.failed(SERVICE_ID, "inbound_sms")
    assert SUSPENDED not in store.services[SERVICE_ID].callbacks["inbound_sms"]

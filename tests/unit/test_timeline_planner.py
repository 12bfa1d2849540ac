"""The one timeline planner, as single and bulk sends both use it."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from simulator.domain.faults import FaultBook, parse_fault_rule
from simulator.domain.models import KeyType, Notification, NotificationType, Service, Status
from simulator.domain.simulation import MagicOutcome, SimulationRules
from simulator.domain.timeline import may_store_once, plan_timeline, planned_span
from simulator.gateway.send_faults import row_fault

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
RULES = SimulationRules(sms_suffixes=(("7700900003", MagicOutcome(Status.TEMPORARY_FAILURE)),))


def sms(to: str = "447700900111", key_type: KeyType = KeyType.TEST) -> Notification:
    return Notification(
        id="n1",
        service_id="s1",
        api_key_id="k1",
        key_type=key_type,
        type=NotificationType.SMS,
        status=Status.CREATED,
        to=to,
        normalised_to=to,
        template_id="t1",
        template_version=1,
        created_at=NOW,
        body="Hello",
    )


def test_a_test_key_send_is_planned_to_its_magic_outcome_after_the_sending_delay() -> None:
    n = sms("447700900003")
    plan_timeline(n, simulation=RULES, sending_delay=1.0, immediate=False)
    assert (n.status, n.planned_status) == (Status.CREATED, Status.TEMPORARY_FAILURE)
    assert n.next_action_at == NOW + timedelta(seconds=1)


def test_with_immediate_timing_it_is_stored_final() -> None:
    n = sms()
    plan_timeline(n, simulation=RULES, sending_delay=0.0, immediate=True)
    assert (n.status, n.sent_at, n.next_action_at) == (Status.DELIVERED, NOW, None)


def test_a_scheduled_send_waits_for_its_time_even_with_immediate_timing() -> None:
    n = sms()
    n.scheduled_for = NOW + timedelta(hours=2)
    plan_timeline(n, simulation=RULES, sending_delay=0.0, immediate=True)
    assert (n.status, n.next_action_at) == (Status.CREATED, NOW + timedelta(hours=2))


def test_an_injected_fault_decides_the_planned_status() -> None:
    n = sms()
    rule = parse_fault_rule({"id": "f1", "effect": "status", "status": "technical-failure"})
    plan_timeline(n, simulation=RULES, sending_delay=0.0, immediate=True, forced=rule)
    assert n.status is Status.TECHNICAL_FAILURE
    assert n.status_detail == "fault injected: status (f1)"


def test_a_live_key_send_goes_to_a_provider_when_due() -> None:
    n = sms(key_type=KeyType.NORMAL)
    plan_timeline(n, simulation=RULES, sending_delay=1.0, immediate=False)
    assert (n.planned_status, n.next_action_at) == (None, NOW)


def test_a_bulk_row_gets_a_status_fault_but_not_a_request_time_one() -> None:
    book = FaultBook(random=random.random)
    book.add(parse_fault_rule({"id": "e", "effect": "http_error", "http_status": 500}))
    book.add(parse_fault_rule({"id": "s", "effect": "status", "status": "temporary-failure"}))
    fired = row_fault(book, "s1", NotificationType.SMS, "+447700900111")
    assert fired is not None and fired.id == "s"
    assert book.rules["e"].fired == 0  # the HTTP error was not used up by a row


def test_a_plain_timeline_is_stored_once_with_its_planned_moments() -> None:
    n = sms("447700900003")
    plan_timeline(
        n, simulation=RULES, sending_delay=1.0, immediate=False, delivery_delay=2.0, store_once=True
    )
    assert (n.status, n.next_action_at, n.planned_status) == (
        Status.CREATED,
        None,
        Status.TEMPORARY_FAILURE,
    )
    assert (n.sent_at, n.updated_at, n.in_flight_status) == (
        NOW + timedelta(seconds=1),
        NOW + timedelta(seconds=3),
        Status.SENDING,
    )


def test_a_stored_timeline_keeps_the_in_flight_status_and_delays_of_its_recipient() -> None:
    slow = SimulationRules(
        sms_suffixes=(
            ("7700900004", MagicOutcome(Status.DELIVERED, extra_delay=5.0)),
            ("7700900005", MagicOutcome(Status.PENDING, terminal=False)),
        )
    )
    abroad, gc, pending = sms("447700900004"), sms("447700900004"), sms("447700900005")
    abroad.international = True
    for n, in_flight in ((abroad, None), (gc, Status.SENT), (pending, None)):
        plan_timeline(
            n,
            simulation=slow,
            sending_delay=1.0,
            immediate=False,
            delivery_delay=2.0,
            store_once=True,
            sms_in_flight=in_flight,
        )
    assert (abroad.in_flight_status, abroad.updated_at) == (Status.SENT, NOW + timedelta(seconds=8))
    assert gc.in_flight_status is Status.SENT
    assert (pending.in_flight_status, pending.sent_at, pending.updated_at) == (
        Status.PENDING,
        NOW + timedelta(seconds=1),
        NOW + timedelta(seconds=1),
    )
    assert planned_span(slow, 1.0, 2.0) == timedelta(seconds=8)


def test_faults_schedules_and_other_keys_still_go_step_by_step() -> None:
    rule = parse_fault_rule({"id": "f1", "effect": "status", "status": "technical-failure"})
    faulted, scheduled, live = sms(), sms(), sms(key_type=KeyType.NORMAL)
    scheduled.scheduled_for = NOW + timedelta(hours=2)
    for n, forced in ((faulted, rule), (scheduled, None), (live, None)):
        plan_timeline(
            n,
            simulation=RULES,
            sending_delay=1.0,
            immediate=False,
            forced=forced,
            delivery_delay=2.0,
            store_once=True,
        )
        assert n.in_flight_status is None and n.next_action_at is not None


def test_a_callback_or_a_moved_clock_means_step_by_step() -> None:
    plain = Service(id="s1", name="S", email_sender_local_part="s", rate_limit=3000)
    owed = replace(plain, callbacks={"delivery_status": {"url": "https://x", "bearer_token": "t"}})
    assert may_store_once(plain, wall_clock=True)
    assert not may_store_once(owed, wall_clock=True)
    assert not may_store_once(plain, wall_clock=False)

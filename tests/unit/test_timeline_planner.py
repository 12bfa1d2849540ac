"""The one timeline planner, as single and bulk sends both use it."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from simulator.domain.faults import FaultBook, parse_fault_rule
from simulator.domain.models import KeyType, Notification, NotificationType, Status
from simulator.domain.simulation import MagicOutcome, SimulationRules
from simulator.domain.timeline import plan_timeline
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

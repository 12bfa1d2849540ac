"""GC's send on in-memory fakes: limits taken between the steps, inside the send itself.

GC reads the body first, takes the rate after the schema and its annual and daily
allowances after the template checks (contract 3.4, 7.2), so a refusal after that point
must give the places back.
"""

from __future__ import annotations

import pytest

from simulator.domain.errors import NotifyError
from simulator.domain.models import KeyType, NotificationType, Service, Status, TeamMember
from simulator.domain.phone_network import CARRIER_BLOCKED, PhoneNetworkRules
from simulator.domain.ports import Reservation
from simulator.gateway.principal import Principal
from simulator.gateway.send import SendOutcome
from tests.unit.send_kit import SMS_TEMPLATE, SendKit, send_kit

SERVICE_ID = "4a6c8e0a-2b4d-4f6a-8c0e-1a3b5c7d9e1f"
TEAM_MOBILE = "+16135550101"
PER_HOUR = PhoneNetworkRules().same_content_per_hour


def gc_service(*, restricted: bool = False) -> Service:
    return Service(
        id=SERVICE_ID,
        name="GC service",
        restricted=restricted,
        team=(TeamMember("Grace", "grace@example.ca", TEAM_MOBILE),),
    )


def kit(service: Service) -> tuple[SendKit, Service]:
    return send_kit("ca", services=(service,)), service


def service_places(k: SendKit) -> list[Reservation]:
    """The service's own allowance places (the phone networks' counters are no service's)."""
    return [r for r in k.limiter.reservations if r.service_id == SERVICE_ID]


async def post_sms(k: SendKit, principal: Principal, to: str, code: str = "1234") -> SendOutcome:
    body = {"phone_number": to, "template_id": SMS_TEMPLATE, "personalisation": {"code": code}}
    return await k.sender.send(principal, NotificationType.SMS, body)


async def test_a_live_text_holds_an_annual_and_a_daily_place_and_answers_its_rate() -> None:
    k, service = kit(gc_service())
    outcome = await post_sms(k, k.principal(service, KeyType.NORMAL), TEAM_MOBILE)

    assert outcome.notification.id in k.store.notifications
    assert outcome.rate is not None and outcome.rate.allowed  # taken by the send (GC)
    periods = sorted(r.day for r in service_places(k))
    assert len(periods) == 2 and periods[1].startswith("fy")
    assert k.limiter.released == []


async def test_the_daily_sms_count_is_in_fragments_and_the_annual_one_in_messages() -> None:
    k, service = kit(gc_service())
    await post_sms(k, k.principal(service, KeyType.NORMAL), TEAM_MOBILE, code="x" * 200)

    by_period = {r.day: r.count for r in service_places(k)}
    assert k.store.notifications and next(iter(k.store.notifications.values())).billable_units == 2
    assert sorted(by_period.values()) == [1, 2]
    assert by_period[next(d for d in by_period if d.startswith("fy"))] == 1


async def test_a_refusal_after_the_allowance_step_gives_every_place_back() -> None:
    k, service = kit(gc_service())
    with pytest.raises(NotifyError) as caught:
        await post_sms(k, k.principal(service, KeyType.TEAM), "+16135550199")

    assert caught.value.status_code == 400
    assert len(service_places(k)) == 2  # both were taken before the recipient check
    assert sorted(k.limiter.released, key=str) == sorted(k.limiter.reservations, key=str)
    assert k.limiter.used(SERVICE_ID, "sms") == 0
    assert k.store.notifications == {}


async def test_a_trial_service_over_its_daily_fragments_gets_gc_s_error() -> None:
    k, service = kit(gc_service(restricted=True))
    principal = k.principal(service, KeyType.TEAM)
    await post_sms(k, principal, TEAM_MOBILE)
    day = next(r.day for r in service_places(k) if not r.day.startswith("fy"))
    await k.limiter.seed(SERVICE_ID, day, {"sms": 50})

    with pytest.raises(NotifyError) as caught:
        await post_sms(k, principal, TEAM_MOBILE)
    assert (caught.value.status_code, caught.value.error) == (
        429,
        "TrialServiceTooManySMSRequestsError",
    )
    assert caught.value.message == "Exceeded SMS daily sending limit of 50 fragments"
    assert len(k.store.notifications) == 1
    # the annual place the refused send took first was given back
    assert k.limiter.used(SERVICE_ID, "sms") == 50 + 1


async def test_a_test_key_text_takes_the_rate_but_no_allowance() -> None:
    k, service = kit(gc_service())
    outcome = await post_sms(k, k.principal(service, KeyType.TEST), "+15149301633")
    assert outcome.rate is not None
    assert k.limiter.reservations == []
    assert k.store.notifications[outcome.notification.id].planned_status is not None


async def test_the_same_text_too_often_to_one_number_is_accepted_then_blocked_by_the_network() -> (
    None
):
    k, service = kit(gc_service())
    principal = k.principal(service, KeyType.NORMAL)
    outcomes = [await post_sms(k, principal, TEAM_MOBILE) for _ in range(PER_HOUR + 1)]

    *accepted, blocked = (k.store.notifications[o.notification.id] for o in outcomes)
    assert all(n.planned_status is None for n in accepted)
    assert (blocked.planned_status, blocked.status_detail) == (
        Status.PERMANENT_FAILURE,
        CARRIER_BLOCKED,
    )

"""The send use case (POST /v2/notifications/{sms,email}) on in-memory fakes of the ports.

Each test calls the use case as the v2 handler does (GOV.UK: ``admit`` before the body,
then ``send``) and checks what it decided: the answer or the refusal, what the store was
handed (the planned timeline, the callback), which counters were taken and given back.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from simulator.config import SimulatorTiming
from simulator.domain.errors import NotifyError
from simulator.domain.models import KeyType, NotificationType, Service, Status
from simulator.gateway.principal import Principal
from simulator.gateway.send import SendOutcome
from tests.unit.send_kit import (
    EMAIL_TEMPLATE,
    NOW,
    SMS_TEMPLATE,
    SendKit,
    send_kit,
    uk_service,
)

LIVE_ID = "8c0b1f5e-6c3a-4f7e-9d2b-1a2b3c4d5e6f"
TRIAL_ID = "2f4e6a8c-1b3d-4e5f-8a9b-0c1d2e3f4a5b"
STRANGER = "07700900777"
TEAM_MOBILE = "07700900465"
TEAM_TEXT = "Can’t send to this recipient using a team-only API key"
TRIAL_TEXT = (
    "Can’t send to this recipient when service is in trial mode – see "
    "https://www.notifications.service.gov.uk/trial-mode"
)
CALLBACK = {"delivery_status": {"url": "https://example.gov.uk/cb", "bearer_token": "x" * 12}}


def live_service(**overrides: object) -> Service:
    service = uk_service(LIVE_ID, restricted=False, guest_list=("07700900876",))
    for name, value in overrides.items():
        setattr(service, name, value)
    return service


def kit(*services: Service, timing: SimulatorTiming | None = None) -> SendKit:
    return send_kit("uk", services=services or (live_service(),), timing=timing)


def sms(to: str, **extra: object) -> dict[str, object]:
    return {
        "phone_number": to,
        "template_id": SMS_TEMPLATE,
        "personalisation": {"code": "1234"},
        **extra,
    }


async def post_sms(k: SendKit, principal: Principal, to: str) -> SendOutcome:
    """As the GOV.UK handler: admission first, then the send, which releases on failure."""
    admission = await k.sender.admit(principal, "sms")
    return await k.sender.send(principal, NotificationType.SMS, sms(to), admission)


async def test_a_test_key_text_is_stored_once_with_its_simulated_timeline() -> None:
    k = kit()
    principal = k.principal(live_service(), KeyType.TEST)
    outcome = await post_sms(k, principal, "07700900003")  # the temporary-failure number

    stored = k.store.notifications[outcome.notification.id]
    assert outcome.stored and list(k.store.notifications) == [stored.id]
    assert (stored.status, stored.planned_status) == (Status.CREATED, Status.TEMPORARY_FAILURE)
    assert stored.next_action_at == stored.created_at + timedelta(seconds=1.0)
    assert (stored.body, stored.billable_units, stored.key_type) == (
        "Your code is 1234",
        1,
        KeyType.TEST,
    )
    assert k.scheduled == [stored.next_action_at]
    assert k.limiter.reservations == []  # test keys use no allowance
    assert k.sender.created == 1


async def test_at_wall_time_a_plain_test_key_timeline_is_stored_whole() -> None:
    owed = live_service(callbacks=CALLBACK)
    k, c = kit(), kit(owed)
    for each in (k, c):
        each.clock.reset()  # the kit's clock is set to NOW: a moved clock goes step by step
    plain = await post_sms(k, k.principal(live_service(), KeyType.TEST), "07700900003")
    stepped = await post_sms(c, c.principal(owed, KeyType.TEST), "07700900003")

    stored = k.store.notifications[plain.notification.id]
    assert (stored.status, stored.planned_status, stored.next_action_at) == (
        Status.CREATED,
        Status.TEMPORARY_FAILURE,
        None,
    )
    assert (stored.sent_at, stored.updated_at, stored.in_flight_status) == (
        stored.created_at + timedelta(seconds=1.0),
        stored.created_at + timedelta(seconds=3.0),
        Status.SENDING,
    )
    other = c.store.notifications[stepped.notification.id]  # a callback is owed at its steps
    assert (other.in_flight_status, other.sent_at) == (None, None)
    assert other.next_action_at == other.created_at + timedelta(seconds=1.0)


async def test_with_immediate_timing_the_store_gets_the_final_status_and_its_callback() -> None:
    service = live_service(callbacks=CALLBACK)
    k = kit(service, timing=SimulatorTiming(sending_delay=0, delivery_delay=0))
    outcome = await post_sms(k, k.principal(service, KeyType.TEST), "07700900123")

    stored = k.store.notifications[outcome.notification.id]
    assert (stored.status, stored.next_action_at) == (Status.DELIVERED, None)
    assert stored.sent_at == stored.created_at
    [callback] = k.store.callbacks
    assert (callback.kind, callback.subject_id) == ("delivery_status", stored.id)
    assert callback.payload["status"] == "delivered"
    assert len(k.callbacks_queued) == 1


async def test_without_a_callback_setting_nothing_is_queued() -> None:
    k = kit(timing=SimulatorTiming(sending_delay=0, delivery_delay=0))
    await post_sms(k, k.principal(live_service(), KeyType.TEST), "07700900123")
    assert (k.store.callbacks, k.callbacks_queued) == ([], [])


@pytest.mark.parametrize("key_type", [KeyType.TEAM, KeyType.NORMAL])
async def test_team_and_live_sends_are_handed_to_a_provider_at_once(key_type: KeyType) -> None:
    k = kit()
    outcome = await post_sms(k, k.principal(live_service(), key_type), TEAM_MOBILE)

    stored = k.store.notifications[outcome.notification.id]
    # no simulated outcome: the provider lane picks it up as soon as it is due
    assert (stored.status, stored.planned_status) == (Status.CREATED, None)
    assert stored.next_action_at == stored.created_at
    assert k.limiter.used(LIVE_ID, "sms") == 1
    assert k.limiter.released == []


async def test_a_team_key_is_refused_a_recipient_off_the_guest_list_and_gives_its_place_back() -> (
    None
):
    k = kit()
    with pytest.raises(NotifyError, match=TEAM_TEXT) as caught:
        await post_sms(k, k.principal(live_service(), KeyType.TEAM), STRANGER)

    assert (caught.value.status_code, caught.value.error) == (400, "BadRequestError")
    assert k.store.notifications == {}
    assert k.limiter.released == k.limiter.reservations != []
    assert k.limiter.used(LIVE_ID, "sms") == 0
    assert k.scheduled == []


async def test_a_team_key_may_send_to_the_guest_list() -> None:
    k = kit()
    outcome = await post_sms(k, k.principal(live_service(), KeyType.TEAM), "07700 900 876")
    assert k.store.notifications[outcome.notification.id].normalised_to == "447700900876"


async def test_a_trial_service_may_send_to_its_team_only_and_counts_its_total() -> None:
    trial = uk_service(TRIAL_ID, restricted=True)
    k = kit(trial)
    live_key = k.principal(trial, KeyType.NORMAL)

    with pytest.raises(NotifyError, match=TRIAL_TEXT):
        await post_sms(k, live_key, STRANGER)
    assert k.store.notifications == {}
    assert k.limiter.used(TRIAL_ID, "total") == 0

    await post_sms(k, live_key, TEAM_MOBILE)
    assert len(k.store.notifications) == 1
    assert (k.limiter.used(TRIAL_ID, "sms"), k.limiter.used(TRIAL_ID, "total")) == (1, 1)


async def test_a_trial_service_over_its_fifty_a_day_is_refused_before_the_body() -> None:
    trial = uk_service(TRIAL_ID, restricted=True)
    k = kit(trial)
    principal = k.principal(trial, KeyType.TEAM)
    for _ in range(50):
        await post_sms(k, principal, TEAM_MOBILE)

    with pytest.raises(NotifyError) as caught:
        await k.sender.admit(principal, "sms")
    assert (caught.value.status_code, caught.value.error) == (429, "TooManyRequestsError")
    assert caught.value.message == "Exceeded send limits (sms: 50) for today"
    assert len(k.store.notifications) == 50


async def test_over_the_rate_limit_the_send_is_refused_and_the_key_event_recorded() -> None:
    service = live_service(rate_limit=3)  # a bucket of ceil(3 / 3) + 1 = 2 tokens
    k = kit(service)
    principal = k.principal(service, KeyType.TEST)
    await post_sms(k, principal, "07700900123")
    await post_sms(k, principal, "07700900123")

    with pytest.raises(NotifyError) as caught:
        await k.sender.admit(principal, "sms")
    text = "Exceeded rate limit for key type TEST of 3 requests per 60 seconds"
    assert (caught.value.status_code, caught.value.error, caught.value.message) == (
        429,
        "RateLimitError",
        text,
    )
    assert k.key_events == [(principal.key.id, "rate_limited", text)]
    assert len(k.store.notifications) == 2


async def test_a_failed_write_answers_no_201_and_gives_the_allowance_back() -> None:
    k = kit()
    k.store.fail_adds = ConnectionError("database went away")
    principal = k.principal(live_service(), KeyType.NORMAL)
    with pytest.raises(ConnectionError):
        await post_sms(k, principal, TEAM_MOBILE)

    assert k.store.notifications == {}
    assert k.limiter.used(LIVE_ID, "sms") == 0 and k.limiter.released != []
    assert (k.sender.created, k.scheduled) == (0, [])


async def test_each_send_is_its_own_notification_written_once() -> None:
    k = kit()
    principal = k.principal(live_service(), KeyType.NORMAL)
    first = await post_sms(k, principal, TEAM_MOBILE)
    second = await post_sms(k, principal, TEAM_MOBILE)
    # the fake refuses a second write of one id: each send committed exactly one row
    assert set(k.store.notifications) == {first.notification.id, second.notification.id}
    assert first.notification.created_at < second.notification.created_at
    assert k.limiter.used(LIVE_ID, "sms") == 2


async def test_a_smoke_test_number_is_answered_not_stored_and_uses_no_allowance() -> None:
    k = kit()
    outcome = await post_sms(k, k.principal(live_service(), KeyType.NORMAL), "07700900111")
    assert not outcome.stored
    assert k.store.notifications == {} and k.scheduled == []
    assert k.limiter.used(LIVE_ID, "sms") == 0


async def post_email(k: SendKit, principal: Principal, to: str, **extra: object) -> SendOutcome:
    admission = await k.sender.admit(principal, "email")
    body = {"email_address": to, "template_id": EMAIL_TEMPLATE, "personalisation": {"name": "Ada"}}
    return await k.sender.send(principal, NotificationType.EMAIL, body | extra, admission)


async def test_an_email_is_stored_with_its_subject_and_answered_with_its_sender() -> None:
    k = kit()
    principal = k.principal(live_service(), KeyType.TEAM)
    outcome = await post_email(k, principal, "Ada@example.gov.uk", reference="ref-1")

    stored = k.store.notifications[outcome.notification.id]
    assert (stored.type, stored.subject, stored.body) == (
        NotificationType.EMAIL,
        "Welcome, Ada",
        "Hello Ada",
    )
    assert (stored.reference, stored.planned_status) == ("ref-1", None)
    assert outcome.from_email == "sandbox@notify.sandbox.test"
    assert k.limiter.used(LIVE_ID, "email") == 1


async def test_a_team_key_email_to_a_stranger_is_refused() -> None:
    k = kit()
    principal = k.principal(live_service(), KeyType.TEAM)
    with pytest.raises(NotifyError, match=TEAM_TEXT):
        await post_email(k, principal, "someone@else.example")
    assert k.store.notifications == {} and k.limiter.used(LIVE_ID, "email") == 0


async def test_a_missing_placeholder_is_refused_before_anything_is_written() -> None:
    k = kit()
    principal = k.principal(live_service(), KeyType.NORMAL)
    admission = await k.sender.admit(principal, "sms")
    body = {"phone_number": TEAM_MOBILE, "template_id": SMS_TEMPLATE}
    with pytest.raises(NotifyError, match=r"Missing personalisation: code"):
        await k.sender.send(principal, NotificationType.SMS, body, admission)
    assert k.store.notifications == {} and k.limiter.used(LIVE_ID, "sms") == 0


async def test_the_sandbox_clock_stamps_the_notification() -> None:
    k = kit()
    k.clock.set(NOW + timedelta(days=3))
    outcome = await post_sms(k, k.principal(live_service(), KeyType.NORMAL), TEAM_MOBILE)
    assert outcome.notification.created_at - (NOW + timedelta(days=3)) < timedelta(seconds=5)

"""The letter use case (POST /v2/notifications/letter, templated or precompiled, and its PDF)
on in-memory fakes of the ports.

What LetterService decides: who may send (no team keys; trial services test keys only),
the address, the planned path (the simulator for test keys, the print outbox otherwise),
and that the PDF is kept before the notification that needs it.
"""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest

from simulator.config import SimulatorTiming
from simulator.domain.errors import NotifyError
from simulator.domain.letter_pdf import LetterContent, render_letter_pdf
from simulator.domain.letters import LetterRules
from simulator.domain.models import ApiKey, KeyType, Notification, Status
from simulator.gateway.callback_planner import CallbackPlanner
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.letters import LETTER_PDF, LetterService, LetterTiming
from simulator.gateway.principal import Principal
from simulator.letter_wiring import _country_data
from tests.unit.fakes import FakeClock, FakeDirectoryStore, FakeFileStore, FakeNotificationStore
from tests.unit.send_kit import LETTER_TEMPLATE, profile_named, templates_of, uk_service

SERVICE_ID = "1d3f5b7d-9f1b-4d3f-8b7d-9f1b3d5f7b9d"
ADDRESS = {
    "address_line_1": "Ada Lovelace",
    "address_line_2": "1 Street",
    "address_line_3": "SW1A 1AA",
}
CALLBACK = {"delivery_status": {"url": "https://example.gov.uk/cb", "bearer_token": "x" * 12}}


class Letters:
    def __init__(
        self, *, timing: SimulatorTiming | None = None, restricted: bool = False, **service: object
    ) -> None:
        self.clock = FakeClock()
        self.directory_store = FakeDirectoryStore()
        self.service = uk_service(SERVICE_ID, restricted=restricted)
        for name, value in service.items():
            setattr(self.service, name, value)
        self.directory_store.services[SERVICE_ID] = self.service
        for t in templates_of(SERVICE_ID):
            self.directory_store.templates[(t.id, t.version)] = t
        self.store, self.files = FakeNotificationStore(), FakeFileStore()
        self.scheduled: list[object] = []
        directory = ServiceDirectory(self.directory_store, ttl=0)
        profile = profile_named("uk")
        countries, zones = _country_data()
        self.letters = LetterService(
            profile=profile,
            rules=LetterRules(),
            countries=countries,
            postcode_zones=zones,
            directory=directory,
            store=self.store,
            files=self.files,
            clock=self.clock.now,
            unique_now=self.clock.now,
            timing=timing or SimulatorTiming(),
            letter_timing=LetterTiming(pdf_delay=2.0, delivery_delay=5.0),
            callbacks=CallbackPlanner(directory, simulation=profile.simulation),
            on_scheduled=self.scheduled.append,
        )

    def principal(self, key_type: KeyType) -> Principal:
        key = ApiKey(f"{key_type}-key", SERVICE_ID, "k", key_type, "s", self.clock.now())
        return Principal(self.service, key)

    async def templated(self, key_type: KeyType, **address: str) -> Notification:
        body = {
            "template_id": LETTER_TEMPLATE,
            "personalisation": {**ADDRESS, **address, "day": "Monday"},
            "reference": "letter-1",
        }
        outcome = await self.letters.send(self.principal(key_type), body)
        assert not outcome.precompiled
        return outcome.notification


def a_pdf() -> bytes:
    return render_letter_pdf(
        LetterContent(
            address_lines=["A Person", "1 Road", "SW1A 1AA"],
            contact_block="",
            date="1 January 2026",
            subject="Hi",
            body="Hello",
        )
    )


async def test_a_test_key_letter_is_kept_with_its_pdf_and_its_simulated_path() -> None:
    k = Letters(data_retention_days=5)
    n = await k.templated(KeyType.TEST)

    stored = k.store.notifications[n.id]
    assert stored.to == "Ada Lovelace\n1 Street\nSW1A 1AA"
    assert (stored.body, stored.subject, stored.postage) == (
        "Your appointment is on Monday.",
        "Appointment",
        "second",
    )
    assert (stored.status, stored.planned_status) == (Status.CREATED, Status.DELIVERED)
    assert stored.next_action_at == stored.created_at + timedelta(seconds=1.0)
    assert stored.billable_units == 1
    pdf = k.files.files[(LETTER_PDF, n.id)]
    assert pdf.content.startswith(b"%PDF") and pdf.notification_id == n.id
    assert pdf.expires_at == stored.created_at + timedelta(days=5)
    assert k.scheduled == [stored.next_action_at]


async def test_a_live_letter_goes_to_the_print_outbox_at_once() -> None:
    k = Letters()
    n = await k.templated(KeyType.NORMAL)
    stored = k.store.notifications[n.id]
    assert (stored.planned_status, stored.next_action_at) == (None, stored.created_at)


async def test_the_magic_first_line_plans_its_failure() -> None:
    k = Letters()
    n = await k.templated(KeyType.TEST, address_line_1="simulate-validation-failed")
    assert k.store.notifications[n.id].planned_status is Status.VALIDATION_FAILED


async def test_with_immediate_timing_a_test_letter_is_stored_final_with_its_callback() -> None:
    k = Letters(timing=SimulatorTiming(sending_delay=0, delivery_delay=0), callbacks=CALLBACK)
    n = await k.templated(KeyType.TEST)
    stored = k.store.notifications[n.id]
    assert (stored.status, stored.next_action_at) == (Status.DELIVERED, None)
    [callback] = k.store.callbacks
    assert (callback.subject_id, callback.payload["status"]) == (n.id, "delivered")


@pytest.mark.parametrize(
    ("restricted", "key_type", "text"),
    [
        (False, KeyType.TEAM, "Cannot send letters with a team api key"),
        (True, KeyType.NORMAL, "Cannot send letters when service is in trial mode"),
    ],
)
async def test_who_may_not_send_a_letter_is_refused_and_nothing_is_kept(
    restricted: bool, key_type: KeyType, text: str
) -> None:
    k = Letters(restricted=restricted)
    with pytest.raises(NotifyError) as caught:
        await k.templated(key_type)
    assert (caught.value.status_code, caught.value.message) == (403, text)
    assert (k.store.notifications, k.files.files, k.scheduled) == ({}, {}, [])


async def test_a_trial_service_may_send_a_test_letter() -> None:
    k = Letters(restricted=True)
    n = await k.templated(KeyType.TEST)
    assert n.id in k.store.notifications


async def test_a_service_without_the_letter_permission_is_refused() -> None:
    k = Letters(permissions=frozenset({"sms", "email"}))
    with pytest.raises(NotifyError, match="Service is not allowed to send letters"):
        await k.templated(KeyType.TEST)
    assert k.store.notifications == {}


async def test_an_address_without_a_postcode_or_country_is_refused() -> None:
    k = Letters()
    with pytest.raises(NotifyError, match="Must be a real UK postcode"):
        await k.templated(KeyType.TEST, address_line_3="Nowhere in particular")
    assert (k.store.notifications, k.files.files) == ({}, {})


async def test_an_address_abroad_gets_its_postage_zone() -> None:
    k = Letters(permissions=frozenset({"letter", "international_letters"}))
    n = await k.templated(KeyType.TEST, address_line_3="France")
    assert k.store.notifications[n.id].postage == "europe"


async def test_a_precompiled_letter_waits_for_its_virus_check() -> None:
    k = Letters()
    body = {"reference": "pre-1", "content": base64.b64encode(a_pdf()).decode()}
    outcome = await k.letters.send(k.principal(KeyType.TEST), body)

    stored = k.store.notifications[outcome.notification.id]
    assert outcome.precompiled
    assert (stored.status, stored.planned_status) == (Status.PENDING_VIRUS_CHECK, Status.DELIVERED)
    assert k.files.files[(LETTER_PDF, stored.id)].meta == {"precompiled": True}


@pytest.mark.parametrize(
    ("content", "text"),
    [
        ("not base64!", "Cannot decode letter content (invalid base64 encoding)"),
        (base64.b64encode(b"plain text").decode(), "Letter content is not a valid PDF"),
    ],
)
async def test_precompiled_content_that_is_no_pdf_is_refused(content: str, text: str) -> None:
    k = Letters()
    with pytest.raises(NotifyError, match=re.escape(text)):
        await k.letters.send(k.principal(KeyType.TEST), {"reference": "r", "content": content})
    assert k.store.notifications == {}


async def test_a_templated_pdf_is_ready_only_after_its_delay() -> None:
    k = Letters()
    n = await k.templated(KeyType.TEST)
    with pytest.raises(NotifyError) as caught:
        await k.letters.pdf(k.store.notifications[n.id])
    assert caught.value.error == "PDFNotReadyError"
    k.clock.advance(2.0)
    pdf = await k.letters.pdf(k.store.notifications[n.id])
    assert pdf == k.files.files[(LETTER_PDF, n.id)].content

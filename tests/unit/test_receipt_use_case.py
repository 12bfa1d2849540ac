"""A provider's delivery receipt through the gateway (ReceiptUpdates.receive) on fakes, with
the rules of a made-up provider kind: nothing here is Twilio's, so nothing in the use case
may be either.

Unsigned callers learn nothing (403 before 404); a known reference must be signed by the
provider that sent it; only in-flight notifications move, and a final one stays final.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from simulator.domain.errors import AuthError, BadRequestError, NotifyError
from simulator.domain.messages import Messages
from simulator.domain.models import Status
from simulator.domain.outbound import ReceiptForm, ReceiptStatus
from simulator.gateway.callback_planner import CallbackPlanner
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.provider_receipts import ReceiptSource, ReceiptUpdates
from tests.unit.fakes import FakeClock, FakeDirectoryStore, FakeNotificationStore, a_notification

SERVICE_ID = "2b0e4b4e-8c1d-4f8e-9a51-3c4d5e6f7a8b"


class PigeonRules:
    """Receipts as `status:reference`, signed with the provider's shared word."""

    title = "Pigeon"
    signature_header = "X-Pigeon-Word"
    media_type = "text/plain"
    max_bytes = 100
    required_fields = "reference and status"

    def parse(self, body: bytes) -> ReceiptForm:
        status, _, reference = body.decode().partition(":")
        return ReceiptForm(reference or None, status or None, None, (("body", body.decode()),))

    def signed(
        self,
        settings: Mapping[str, Any],
        form: ReceiptForm,
        signature: str,
        *,
        received_url: str,
        notification_id: str | None,
    ) -> bool:
        return bool(signature == settings["word"])

    def status_for(self, provider_status: str, error_code: str | None) -> ReceiptStatus:
        return "delivered" if provider_status == "landed" else "temporary-failure"


def updates(store: FakeNotificationStore, calls: list[str]) -> ReceiptUpdates:
    source = ReceiptSource(PigeonRules(), {"coop-a": {"word": "alpha"}, "coop-b": {"word": "b"}})
    return ReceiptUpdates(
        sources={"pigeon": source},
        messages=Messages(),
        store=store,
        callbacks=CallbackPlanner(ServiceDirectory(FakeDirectoryStore(), ttl=0)),
        clock=FakeClock(),
        on_callback_queued=lambda: calls.append("callback"),
        on_changed=lambda: calls.append("changed"),
    )


def sent_by(store: FakeNotificationStore, provider: str, status: Status = Status.SENDING) -> str:
    n = a_notification(
        SERVICE_ID,
        FakeClock().now(),
        status=status,
        provider=provider,
        provider_reference=f"ref-{provider}-{len(store.notifications)}",
    )
    store.notifications[n.id] = n
    return n.provider_reference or ""


async def receive(use_case: ReceiptUpdates, body: str, word: str) -> Any:
    form = PigeonRules().parse(body.encode())
    return await use_case.receive("pigeon", form, word, "http://sandbox.test/receipts/pigeon")


async def test_a_signed_receipt_moves_its_notification_once() -> None:
    store, calls = FakeNotificationStore(), list[str]()
    use_case = updates(store, calls)
    reference = sent_by(store, "coop-a")

    landed = await receive(use_case, f"landed:{reference}", "alpha")

    assert (landed.status, landed.current, landed.applied) == (
        Status.DELIVERED,
        Status.DELIVERED,
        True,
    )
    stored = store.notifications[landed.notification.id]
    assert stored.status is Status.DELIVERED
    assert stored.status_detail == "pigeon: landed"
    assert calls == ["changed"]  # no callback set for the service: none owed
    again = await receive(use_case, f"lost:{reference}", "alpha")
    assert (again.current, again.applied) == (Status.DELIVERED, False)
    assert store.notifications[landed.notification.id].status is Status.DELIVERED


async def test_the_provider_that_sent_it_must_sign_it() -> None:
    store = FakeNotificationStore()
    use_case = updates(store, [])
    reference = sent_by(store, "coop-a")

    with pytest.raises(AuthError) as refused:
        await receive(use_case, f"landed:{reference}", "b")  # coop-b's word, coop-a's message

    assert (refused.value.status_code, refused.value.message) == (403, "Invalid Pigeon signature")
    assert next(iter(store.notifications.values())).status is Status.SENDING


async def test_an_unknown_reference_is_404_only_to_a_signed_caller() -> None:
    store = FakeNotificationStore()
    use_case = updates(store, [])
    sent_by(store, "elsewhere")  # not sent through a configured pigeon provider

    with pytest.raises(AuthError):
        await receive(use_case, "landed:nobody", "forged")
    with pytest.raises(NotifyError) as unknown:
        await receive(use_case, "landed:nobody", "b")
    assert (unknown.value.status_code, unknown.value.error) == (404, "NoResultFound")
    with pytest.raises(NotifyError) as foreign:
        await receive(use_case, "landed:ref-elsewhere-0", "alpha")
    assert foreign.value.status_code == 404


async def test_a_receipt_without_its_fields_is_400_once_signed() -> None:
    store = FakeNotificationStore()
    use_case = updates(store, [])
    reference = sent_by(store, "coop-a")

    with pytest.raises(AuthError):
        await receive(use_case, ":", "forged")
    with pytest.raises(BadRequestError) as missing:
        await receive(use_case, ":", "alpha")
    assert missing.value.message == "reference and status are required"
    with pytest.raises(BadRequestError):
        await receive(use_case, f":{reference}", "alpha")


def test_a_kind_without_configured_providers_is_not_configured() -> None:
    store = FakeNotificationStore()
    assert updates(store, []).configured("pigeon")
    assert not updates(store, []).configured("twilio")
    empty = ReceiptUpdates(
        sources={"pigeon": ReceiptSource(PigeonRules(), {})},
        messages=Messages(),
        store=store,
        callbacks=CallbackPlanner(ServiceDirectory(FakeDirectoryStore(), ttl=0)),
        clock=FakeClock(),
        on_callback_queued=lambda: None,
        on_changed=lambda: None,
    )
    assert not empty.configured("pigeon")

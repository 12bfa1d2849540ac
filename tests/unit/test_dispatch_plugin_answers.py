"""ProviderChain against plugins that break the contract in their answer, not by raising.

Before the fix a non-receipt answer was taken for a failure and crashed the chain with a
TypeError, leaving the notification `created` and re-claimed every lease period forever.
"""

from __future__ import annotations

from typing import Any

from simulator.delivery.dispatch import ProviderChain
from simulator.domain.outbound import OutboundSms, ProviderReceipt

SMS = OutboundSms(
    notification_id="n-1",
    service_id="svc-1",
    to="07700900123",
    normalised_to="447700900123",
    sender="GOVUK",
    body="hello",
    fragment_count=1,
    reference=None,
)


class Answering:
    def __init__(self, name: str, answer: Any) -> None:
        self.name = name
        self.answer = answer
        self.calls = 0

    async def send_sms(self, message: OutboundSms) -> Any:
        self.calls += 1
        return self.answer

    async def aclose(self) -> None:
        return None


async def no_sleep(delay: float) -> None:
    return None


def good() -> Answering:
    return Answering("good", ProviderReceipt(provider="good", status="delivered"))


async def test_a_non_receipt_answer_fails_over_without_retry() -> None:
    sloppy, backup = Answering("sloppy", {"status": "delivered"}), good()

    outcome = await ProviderChain([sloppy, backup], sleep=no_sleep).send(SMS)

    assert (outcome.status, outcome.provider) == ("delivered", "good")
    assert sloppy.calls == 1
    assert outcome.errors == ["sloppy: returned dict, not a ProviderReceipt"]


async def test_none_answer_alone_is_technical_failure() -> None:
    outcome = await ProviderChain([Answering("void", None)], sleep=no_sleep).send(SMS)

    assert outcome.status == "technical-failure"
    assert outcome.detail == "void: returned NoneType, not a ProviderReceipt"


async def test_an_unknown_receipt_status_fails_over() -> None:
    odd = Answering("odd", ProviderReceipt(provider="odd", status="ok"))  # type: ignore[arg-type]
    backup = good()

    outcome = await ProviderChain([odd, backup], sleep=no_sleep).send(SMS)

    assert (outcome.status, outcome.provider) == ("delivered", "good")
    assert outcome.errors == ["odd: unknown receipt status 'ok'"]

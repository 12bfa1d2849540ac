"""ProviderChain: retries with jittered backoff, failover, exhaustion."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

import pytest
from structlog.testing import capture_logs

from simulator.delivery.dispatch import ProviderChain
from simulator.domain.outbound import (
    OutboundEmail,
    OutboundSms,
    ProviderError,
    ProviderReceipt,
    ReceiptStatus,
)

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
EMAIL = OutboundEmail(
    notification_id="n-2",
    service_id="svc-1",
    to="alice@example.com",
    from_address="svc@example.gov.uk",
    from_name="Service",
    reply_to=None,
    subject="Hi",
    plain_text="Hi",
    html="<p>Hi</p>",
    unsubscribe_url=None,
    reference=None,
)

Outcome = ProviderReceipt | Exception


class FakeProvider:
    """Plays back a script of receipts and exceptions, one per call (the last one repeats)."""

    def __init__(self, name: str, script: Iterable[Outcome]) -> None:
        self.name = name
        self.script = list(script)
        self.sms_calls: list[OutboundSms] = []
        self.email_calls: list[OutboundEmail] = []

    async def send_sms(self, message: OutboundSms) -> ProviderReceipt:
        self.sms_calls.append(message)
        return self._next()

    async def send_email(self, message: OutboundEmail) -> ProviderReceipt:
        self.email_calls.append(message)
        return self._next()

    async def aclose(self) -> None:
        return None

    @property
    def calls(self) -> int:
        return len(self.sms_calls) + len(self.email_calls)

    def _next(self) -> ProviderReceipt:
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(step, Exception):
            raise step
        return step


class RecordingSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def ok(provider: str, status: ReceiptStatus = "sending") -> ProviderReceipt:
    return ProviderReceipt(provider=provider, status=status, provider_reference=f"{provider}-ref")


def flaky(detail: str = "HTTP 503") -> ProviderError:
    return ProviderError(detail, retryable=True)


def broken(detail: str = "HTTP 401") -> ProviderError:
    return ProviderError(detail, retryable=False)


def chain(*providers: FakeProvider, sleep: RecordingSleep, **options: Any) -> ProviderChain:
    settings: dict[str, Any] = {"attempts_per_provider": 3, "base_delay": 0.5, "max_delay": 30.0}
    settings.update(options)
    return ProviderChain(list(providers), sleep=sleep, **settings)


async def test_first_provider_success_needs_no_retry() -> None:
    first, second, sleep = (
        FakeProvider("a", [ok("a")]),
        FakeProvider("b", [ok("b")]),
        RecordingSleep(),
    )

    outcome = await chain(first, second, sleep=sleep).send(SMS)

    assert (outcome.status, outcome.provider, outcome.provider_reference) == (
        "sending",
        "a",
        "a-ref",
    )
    assert (outcome.attempts, outcome.errors) == (1, [])
    assert (first.calls, second.calls, sleep.delays) == (1, 0, [])


async def test_retries_with_full_jitter_backoff() -> None:
    provider = FakeProvider("a", [flaky(), flaky(), ok("a")])
    sleep = RecordingSleep()
    draws = iter([1.0, 0.25])

    outcome = await chain(provider, sleep=sleep, random=lambda: next(draws)).send(SMS)

    assert outcome.status == "sending"
    assert (outcome.attempts, provider.calls) == (3, 3)
    assert sleep.delays == [1.0 * 0.5, 0.25 * 1.0]  # draw * min(max_delay, base * 2**(n-1))
    assert outcome.errors == ["HTTP 503", "HTTP 503"]


async def test_backoff_is_capped_by_max_delay() -> None:
    provider = FakeProvider("a", [flaky()])
    sleep = RecordingSleep()

    await chain(
        provider,
        sleep=sleep,
        attempts_per_provider=5,
        base_delay=1.0,
        max_delay=3.0,
        random=lambda: 1.0,
    ).send(SMS)

    assert sleep.delays == [1.0, 2.0, 3.0, 3.0]


async def test_real_jitter_stays_within_bounds() -> None:
    provider = FakeProvider("a", [flaky()])
    sleep = RecordingSleep()
    subject = chain(provider, sleep=sleep, attempts_per_provider=6, random=random.Random(7).random)

    await subject.send(SMS)

    caps = [subject.backoff_cap(n) for n in range(1, 6)]
    assert caps == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert len(sleep.delays) == 5
    assert all(0 <= delay <= cap for delay, cap in zip(sleep.delays, caps, strict=True))
    assert len(set(sleep.delays)) == 5  # jittered, not fixed


async def test_fails_over_after_retries_run_out() -> None:
    first, second = FakeProvider("a", [flaky()]), FakeProvider("b", [ok("b")])
    sleep = RecordingSleep()

    outcome = await chain(first, second, sleep=sleep).send(SMS)

    assert (outcome.status, outcome.provider) == ("sending", "b")
    assert (first.calls, second.calls, outcome.attempts) == (3, 1, 4)
    assert len(sleep.delays) == 2  # between a's attempts only; failover is immediate
    assert len(outcome.errors) == 3


async def test_non_retryable_error_skips_to_next_provider() -> None:
    first, second = FakeProvider("a", [broken()]), FakeProvider("b", [ok("b", "delivered")])
    sleep = RecordingSleep()

    outcome = await chain(first, second, sleep=sleep).send(SMS)

    assert (outcome.status, outcome.provider, outcome.attempts) == ("delivered", "b", 2)
    assert (first.calls, second.calls, sleep.delays) == (1, 1, [])
    assert outcome.errors == ["HTTP 401"]


async def test_unexpected_exception_fails_over_without_retry() -> None:
    first, second = FakeProvider("a", [KeyError("oops")]), FakeProvider("b", [ok("b")])

    outcome = await chain(first, second, sleep=RecordingSleep()).send(SMS)

    assert (outcome.provider, first.calls, second.calls) == ("b", 1, 1)
    assert outcome.errors == ["a: unexpected KeyError: 'oops'"]


async def test_exhaustion_is_a_technical_failure() -> None:
    first, second = FakeProvider("a", [flaky("a down")]), FakeProvider("b", [broken("b says no")])
    sleep = RecordingSleep()

    outcome = await chain(first, second, sleep=sleep, attempts_per_provider=2).send(SMS)

    assert (outcome.status, outcome.provider, outcome.provider_reference) == (
        "technical-failure",
        None,
        None,
    )
    assert (first.calls, second.calls, outcome.attempts) == (2, 1, 3)
    assert outcome.errors == ["a down", "a down", "b says no"]
    assert outcome.detail == "b says no"


async def test_a_failure_receipt_is_final() -> None:
    receipt = ProviderReceipt("a", "permanent-failure", detail="550 no such user")
    first, second = FakeProvider("a", [receipt]), FakeProvider("b", [ok("b")])

    outcome = await chain(first, second, sleep=RecordingSleep()).send(SMS)

    assert (outcome.status, outcome.provider, outcome.detail) == (
        "permanent-failure",
        "a",
        "550 no such user",
    )
    assert second.calls == 0


async def test_empty_chain_is_a_technical_failure() -> None:
    outcome = await chain(sleep=RecordingSleep()).send(SMS)

    assert (outcome.status, outcome.attempts) == ("technical-failure", 0)
    assert outcome.errors == ["no provider is configured for this channel"]


async def test_email_goes_through_send_email() -> None:
    provider = FakeProvider("a", [ok("a")])

    await chain(provider, sleep=RecordingSleep()).send(EMAIL)

    assert (provider.email_calls, provider.sms_calls) == ([EMAIL], [])


async def test_logs_mask_the_recipient() -> None:
    first = FakeProvider("a", [broken("Twilio 21211: The 'To' number +447700900123 is not valid")])
    second = FakeProvider("b", [flaky("550 <Alice@Example.com> unknown")])

    with capture_logs() as logs:
        sms_outcome = await chain(first, sleep=RecordingSleep()).send(SMS)
        await chain(second, sleep=RecordingSleep(), attempts_per_provider=1).send(EMAIL)

    events = [entry["event"] for entry in logs]
    assert events == [
        "provider_attempt_failed",
        "provider_chain_exhausted",
        "provider_attempt_failed",
        "provider_chain_exhausted",
    ]
    assert "447700900123" not in repr(logs)
    assert "alice@example.com" not in repr(logs).lower()
    assert logs[0]["recipient"] == "077*****123"
    assert logs[0]["retryable"] is False
    assert logs[2]["recipient"] == "a***@example.com"
    assert sms_outcome.errors == ["Twilio 21211: The 'To' number +44*******123 is not valid"]


async def test_failover_is_logged() -> None:
    first, second = FakeProvider("a", [broken()]), FakeProvider("b", [ok("b")])

    with capture_logs() as logs:
        await chain(first, second, sleep=RecordingSleep()).send(SMS)

    failover = next(entry for entry in logs if entry["event"] == "provider_failover")
    assert (failover["from_provider"], failover["to_provider"]) == ("a", "b")
    assert logs[-1]["event"] == "provider_accepted"


def test_rejects_zero_attempts() -> None:
    with pytest.raises(ValueError, match="attempts_per_provider"):
        ProviderChain([], attempts_per_provider=0)

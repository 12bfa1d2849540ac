"""Provider dispatch: retry one provider with backoff, then fail over to the next.

A `ProviderError(retryable=True)` earns another attempt on the same provider after a
full-jitter backoff; a non-retryable one (or an unexpected exception from a plugin) moves
straight on to the next provider. A `ProviderReceipt` ends the chain whatever its status.
When every provider has failed the outcome is ``technical-failure``.
"""

from __future__ import annotations

import asyncio
import random as _random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import cast

import structlog

from simulator.domain.masking import mask_in_text, mask_recipient
from simulator.domain.outbound import (
    RECEIPT_STATUSES,
    EmailProvider,
    OutboundMessage,
    OutboundSms,
    ProviderError,
    ProviderReceipt,
    ReceiptStatus,
    SmsProvider,
)

__all__ = ["DispatchOutcome", "ProviderChain"]

log = structlog.get_logger(__name__)

Sleep = Callable[[float], Awaitable[None]]
Provider = SmsProvider | EmailProvider


@dataclass(frozen=True, slots=True)
class DispatchOutcome:
    """
    How a dispatch ended.

    ``provider`` and ``provider_reference`` come from the provider that gave a receipt
    (``None`` when all failed); ``attempts`` counts calls across all providers; ``errors``
    holds each failed attempt's detail, recipients masked.
    """

    status: ReceiptStatus
    provider: str | None
    provider_reference: str | None
    attempts: int
    errors: list[str] = field(default_factory=list)
    detail: str | None = None


@dataclass(slots=True)
class _Failure:
    detail: str
    retryable: bool


class ProviderChain:
    """
    The providers of one channel, tried in the order given.

    Backoff before retry *n* (1-based) is uniform in
    ``[0, min(max_delay, base_delay * 2 ** (n - 1))]`` (full jitter), so workers that
    failed together do not retry together. ``sleep`` and ``random`` are injectable.
    """

    __slots__ = ("_attempts", "_base_delay", "_max_delay", "_providers", "_random", "_sleep")

    def __init__(
        self,
        providers: Sequence[SmsProvider] | Sequence[EmailProvider],
        *,
        attempts_per_provider: int = 3,
        base_delay: float = 0.5,
        max_delay: float = 30.0,
        sleep: Sleep = asyncio.sleep,
        random: Callable[[], float] = _random.random,
    ) -> None:
        if attempts_per_provider < 1:
            raise ValueError("attempts_per_provider must be at least 1")
        if base_delay < 0 or max_delay < 0:
            raise ValueError("base_delay and max_delay must not be negative")
        self._providers: tuple[Provider, ...] = tuple(providers)
        self._attempts = attempts_per_provider
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._sleep = sleep
        self._random = random

    @property
    def provider_names(self) -> tuple[str, ...]:
        return tuple(provider.name for provider in self._providers)

    def backoff_cap(self, retry: int) -> float:
        """The upper bound of the delay before retry number ``retry`` (1-based)."""
        return min(self._max_delay, self._base_delay * 2.0 ** (retry - 1))

    async def send(self, message: OutboundMessage) -> DispatchOutcome:
        """Send through the first provider that takes the message."""
        errors: list[str] = []
        attempts = 0
        for index, provider in enumerate(self._providers):
            receipt, used = await self._try_provider(provider, message, errors)
            attempts += used
            if receipt is not None:
                return self._succeeded(receipt, message, attempts, errors)
            if index + 1 < len(self._providers):
                log.info(
                    "provider_failover",
                    notification_id=message.notification_id,
                    from_provider=provider.name,
                    to_provider=self._providers[index + 1].name,
                )
        log.error(
            "provider_chain_exhausted",
            notification_id=message.notification_id,
            recipient=mask_recipient(message.to),
            providers=list(self.provider_names),
            attempts=attempts,
        )
        errors = errors or ["no provider is configured for this channel"]
        return DispatchOutcome("technical-failure", None, None, attempts, errors, errors[-1])

    async def _try_provider(
        self, provider: Provider, message: OutboundMessage, errors: list[str]
    ) -> tuple[ProviderReceipt | None, int]:
        """Up to ``attempts_per_provider`` calls; the receipt (or None) and calls made."""
        for attempt in range(1, self._attempts + 1):
            result = await _call(provider, message)
            if isinstance(result, ProviderReceipt):
                return result, attempt
            detail = mask_in_text(result.detail, _recipients(message))
            errors.append(detail)
            will_retry = result.retryable and attempt < self._attempts
            delay = self._random() * self.backoff_cap(attempt) if will_retry else None
            log.warning(
                "provider_attempt_failed",
                notification_id=message.notification_id,
                recipient=mask_recipient(message.to),
                provider=provider.name,
                attempt=attempt,
                retryable=result.retryable,
                retry_in=delay,
                error=detail,
            )
            if delay is None:
                return None, attempt
            await self._sleep(delay)
        return None, self._attempts  # unreachable: the last attempt never retries

    def _succeeded(
        self, receipt: ProviderReceipt, message: OutboundMessage, attempts: int, errors: list[str]
    ) -> DispatchOutcome:
        detail = mask_in_text(receipt.detail, _recipients(message)) if receipt.detail else None
        log.info(
            "provider_accepted",
            notification_id=message.notification_id,
            provider=receipt.provider,
            status=receipt.status,
            attempts=attempts,
        )
        return DispatchOutcome(
            receipt.status, receipt.provider, receipt.provider_reference, attempts, errors, detail
        )


async def _call(provider: Provider, message: OutboundMessage) -> ProviderReceipt | _Failure:
    try:
        if isinstance(message, OutboundSms):
            result = await cast(SmsProvider, provider).send_sms(message)
        else:
            result = await cast(EmailProvider, provider).send_email(message)
    except ProviderError as exc:
        return _Failure(str(exc.detail), exc.retryable)
    except Exception as exc:
        # a plugin bug: don't retry it, try the next provider. No traceback in the log:
        # rich tracebacks render locals, which hold the message and its recipient.
        return _Failure(f"{provider.name}: unexpected {type(exc).__name__}: {exc}", False)
    return _checked(provider, result)


def _checked(provider: Provider, result: object) -> ProviderReceipt | _Failure:
    """A plugin's answer must be a ProviderReceipt with a known status; else it is a bug."""
    if not isinstance(result, ProviderReceipt):
        return _Failure(
            f"{provider.name}: returned {type(result).__name__}, not a ProviderReceipt", False
        )
    if result.status not in RECEIPT_STATUSES:
        return _Failure(f"{provider.name}: unknown receipt status {result.status!r}", False)
    return result


def _recipients(message: OutboundMessage) -> tuple[str, ...]:
    if isinstance(message, OutboundSms):
        return (message.to, f"+{message.normalised_to}", message.normalised_to)
    return (message.to,)

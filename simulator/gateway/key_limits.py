"""Per-key tiers (seed 004): limits on every authenticated request made with a key."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.domain.clock import Clock
from simulator.domain.errors import NotifyError
from simulator.domain.keys import TIERS
from simulator.domain.models import ApiKey
from simulator.domain.ports import Limiter, RateDecision, Reservation
from simulator.domain.time_text import day_text
from simulator.gateway.rate_headers import rate_headers, seconds_to_midnight

__all__ = ["KeyLimits", "effective_limits"]


@dataclass(frozen=True, slots=True)
class _Limits:
    per_minute: int | None
    per_day: int | None


def effective_limits(key: ApiKey) -> _Limits:
    tier = TIERS.get(key.tier) if key.tier else None
    per_minute = key.per_minute_limit or (tier.per_minute if tier else None)
    per_day = key.per_day_limit or (tier.per_day if tier else None)
    return _Limits(per_minute, per_day)


class KeyLimits:
    def __init__(self, limiter: Limiter, clock: Clock) -> None:
        self._limiter = limiter
        self._clock = clock

    async def check(self, key: ApiKey) -> RateDecision | None:
        """The minute decision (for headers), or None when the key has no limits."""
        limits = effective_limits(key)
        decision = None
        now = self._clock.now()
        if limits.per_minute:
            decision = await self._limiter.take_token(
                f"key-{key.id}-tokens",
                per_minute=limits.per_minute,
                capacity=limits.per_minute,
                now=now.timestamp(),
            )
            if not decision.allowed:
                raise NotifyError(
                    f"Exceeded rate limit for API key {key.name} of "
                    f"{limits.per_minute} requests per 60 seconds",
                    status_code=429,
                    error="RateLimitError",
                    headers=rate_headers(decision),
                )
        if limits.per_day:
            outcome = await self._limiter.reserve(
                f"key-{key.id}", day_text(now), [("requests", limits.per_day)]
            )
            if not isinstance(outcome, Reservation):
                raise NotifyError(
                    f"Exceeded request limit for API key {key.name} of "
                    f"{limits.per_day} requests for today",
                    status_code=429,
                    error="TooManyRequestsError",
                    headers={"Retry-After": str(seconds_to_midnight(now))},
                )
        return decision

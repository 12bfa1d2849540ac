"""Counted limits of a send: the per-minute rate and the daily (and GC's annual) allowances.

GOV.UK takes both before reading the body (contract 3.4 step 2) and names every daily
overflow TooManyRequestsError; GC takes the rate after the schema and the allowances
after the template checks, with an error class per channel and period (contract 7.2).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from simulator.domain.allowances import Allowance
from simulator.domain.clock import SandboxClock
from simulator.domain.errors import NotifyError
from simulator.domain.models import ApiKey, KeyType, Service
from simulator.domain.ports import Limiter, RateDecision, Reservation
from simulator.domain.profiles import Profile
from simulator.domain.time_text import day_text
from simulator.gateway.auth import Principal
from simulator.gateway.rate_headers import rate_headers, seconds_to_midnight

__all__ = ["Admission", "Allowances"]

_YEAR_TTL = 400 * 86400  # an annual counter outlives its fiscal year, then goes


@dataclass(frozen=True, slots=True)
class Admission:
    """What the rate-limit step decided, carried to the response headers."""

    rate: RateDecision
    reservation: Reservation | None


class Allowances:
    def __init__(
        self,
        *,
        profile: Profile,
        limiter: Limiter,
        clock: SandboxClock,
        on_key_event: Callable[[ApiKey, str, str], None],
    ) -> None:
        self._profile = profile
        self._texts = profile.messages
        self._limiter = limiter
        self._clock = clock
        self._on_key_event = on_key_event

    # -- the per-minute rate ------------------------------------------------------------
    async def take_rate(self, principal: Principal) -> RateDecision:
        service, key_type = principal.service, principal.key.key_type
        rate_limit = service.rate_limit
        # UK's token bucket holds a third of the minute; GC's sliding window the whole of it
        capacity = (
            rate_limit
            if self._profile.rate_burst_is_full_limit
            else min(math.ceil(rate_limit / 3) + 1, 1000)
        )
        decision = await self._limiter.take_token(
            f"{service.id}-tokens-{key_type.value}",
            per_minute=rate_limit,
            capacity=capacity,
            now=self._clock.now().timestamp(),
        )
        if not decision.allowed:
            text = self._texts.rate_limited.format(key_type=key_type.shouty, limit=rate_limit)
            self._on_key_event(principal.key, "rate_limited", text)
            raise NotifyError(
                text, status_code=429, error="RateLimitError", headers=rate_headers(decision)
            )
        return decision

    # -- GOV.UK: before the body is parsed -----------------------------------------------
    async def admit(self, principal: Principal, notification_type: str) -> Admission:
        decision = await self.take_rate(principal)
        if principal.key.key_type is KeyType.TEST:
            return Admission(decision, None)
        try:
            reservation = await self.reserve_daily(principal.service, [notification_type])
        except NotifyError as error:
            # a daily 429 still reports the minute bucket it passed
            error.headers = {**rate_headers(decision), **error.headers}
            raise
        return Admission(decision, reservation)

    async def reserve_daily(
        self, service: Service, channels: list[str], *, with_total: bool = True
    ) -> Reservation:
        limits = [(channel, self.daily_limit(service, channel)) for channel in channels]
        if service.restricted and with_total:
            limits.append(("total", self._profile.trial_daily_limit))
        outcome = await self._limiter.reserve(service.id, self._today(), limits)
        if isinstance(outcome, Reservation):
            return outcome
        channel, limit = outcome
        shown = channels[0] if channel == "total" else channel
        raise NotifyError(
            self._texts.daily_limited.format(channel=shown, limit=limit),
            status_code=429,
            error="TooManyRequestsError",
            headers=self._retry_tomorrow(),
        )

    def daily_limit(self, service: Service, channel: str) -> int:
        plan = self._profile.allowances
        rule = plan.daily(channel) if plan is not None else None
        if rule is not None:
            return rule.limit(service.limits, restricted=service.restricted)
        if channel in service.limits:
            return service.limits[channel]
        if service.restricted and channel != "international_sms":
            return self._profile.trial_daily_limit
        return dict(self._profile.live_limits).get(channel, 999_999_999)

    # -- GC: annual then daily, after the template checks --------------------------------
    async def reserve_planned(
        self, service: Service, notification_type: str, fragments: int
    ) -> list[Reservation]:
        return await self.reserve_batch(service, notification_type, 1, max(1, fragments))

    async def reserve_batch(
        self, service: Service, notification_type: str, messages: int, fragments: int
    ) -> list[Reservation]:
        """Places for several messages at once (a bulk job), all or none."""
        plan = self._profile.allowances
        if plan is None:
            return []
        taken: list[Reservation] = []
        now = self._clock.now()
        try:
            for rule in plan.by_type.get(notification_type, ()):
                limit = rule.limit(service.limits, restricted=service.restricted)
                period = plan.period_key(rule.period, now)
                ttl = {"ttl_seconds": _YEAR_TTL} if rule.period == "year" else {}
                # one place per fragment where GC counts fragments: one round trip for all
                outcome = await self._limiter.reserve(
                    service.id,
                    period,
                    [(rule.channel, limit)],
                    count=fragments if rule.per_fragment else messages,
                    **ttl,
                )
                if not isinstance(outcome, Reservation):
                    raise NotifyError(
                        rule.text.format(limit=limit),
                        status_code=429,
                        error=rule.error_name(restricted=service.restricted),
                        headers=self._retry_tomorrow() if rule.period == "day" else {},
                    )
                taken.append(outcome)
        except BaseException:
            await self.release(taken)
            raise
        return taken

    async def remaining(
        self, service: Service, notification_type: str
    ) -> list[tuple[Allowance, int]]:
        """Each counted limit of the type (annual first) with the places left in it."""
        plan = self._profile.allowances
        if plan is None:
            return []
        now = self._clock.now()
        left = []
        for rule in plan.by_type.get(notification_type, ()):
            limit = rule.limit(service.limits, restricted=service.restricted)
            usage = await self._limiter.usage(service.id, plan.period_key(rule.period, now))
            left.append((rule, limit - usage.get(rule.channel, 0)))
        return left

    async def give_back(self, service: Service, notification_type: str, messages: int) -> None:
        """Today's (and this year's) places of messages that will never be made: GC's
        ``decrement_todays_email_count`` when a scheduled job is cancelled."""
        plan = self._profile.allowances
        if plan is None or messages <= 0:
            return
        now = self._clock.now()
        for rule in plan.by_type.get(notification_type, ()):
            period = plan.period_key(rule.period, now)
            await self._limiter.release(Reservation(service.id, period, (rule.channel,), messages))

    async def release(self, reservations: Iterable[Reservation | None]) -> None:
        for reservation in reservations:
            if reservation is not None:
                await self._limiter.release(reservation)

    def _today(self) -> str:
        return day_text(self._clock.now())

    def _retry_tomorrow(self) -> dict[str, str]:
        return {"Retry-After": str(seconds_to_midnight(self._clock.now()))}

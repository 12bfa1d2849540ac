"""Today's usage of a service against each allowance, and of each key against its limits."""

from __future__ import annotations

from typing import Any

from simulator.domain.clock import Clock
from simulator.domain.ports import Limiter, Store
from simulator.domain.profiles import Profile
from simulator.gateway.key_admin import KeyManager
from simulator.gateway.key_limits import effective_limits
from simulator.gateway.key_usage import KeyUsage
from simulator.gateway.send import SendService
from simulator.gateway.service_admin import ServiceAdmin

__all__ = ["CHANNELS", "UsageReport"]

CHANNELS = ("email", "sms", "international_sms", "letter")


class UsageReport:
    def __init__(
        self,
        *,
        profile: Profile,
        clock: Clock,
        limiter: Limiter,
        sender: SendService,
        service_admin: ServiceAdmin,
        key_manager: KeyManager,
        key_usage: KeyUsage,
        store: Store,
    ) -> None:
        self._profile = profile
        self._clock = clock
        self._limiter = limiter
        self._sender = sender
        self._services = service_admin
        self._keys = key_manager
        self._key_usage = key_usage
        self._store = store

    async def today(self, service_id: str) -> dict[str, Any]:
        service = await self._services.service(service_id)
        now = self._clock.now()
        day = now.strftime("%Y-%m-%d")
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        used = await self._limiter.usage(service.id, day)
        channels = {
            channel: {
                "used": used.get(channel, 0),
                "limit": self._sender.daily_limit(service, channel),
            }
            for channel in CHANNELS
        }
        if service.restricted and self._profile.allowances is None:  # GC has no trial total
            channels["total"] = {
                "used": used.get("total", 0),
                "limit": self._profile.trial_daily_limit,
            }
        keys = []
        for key in await self._keys.keys(service.id):
            limits = effective_limits(key)
            key_used = await self._limiter.usage(f"key-{key.id}", day)
            keys.append(
                {
                    "id": key.id,
                    "name": key.name,
                    "key_type": key.key_type.value,
                    "tier": key.tier,
                    "per_minute_limit": limits.per_minute,
                    "per_day_limit": limits.per_day,
                    "requests_today": max(
                        key_used.get("requests", 0), self._key_usage.requests_today(key.id)
                    ),
                    "sends": await self._store.sends_by_key(key.id, since=midnight),
                }
            )
        return {
            "service_id": service.id,
            "day": day,
            "rate_limit": {"per_minute": service.rate_limit},
            "channels": channels,
            "keys": keys,
        }

    async def this_year(self, service_id: str) -> dict[str, dict[str, int]]:
        """The annual allowances a profile counts (GC's fiscal year), used and limit."""
        service = await self._services.service(service_id)
        plan = self._profile.allowances
        if plan is None:
            return {}  # GOV.UK's allowances here are daily ones
        now = self._clock.now()
        year: dict[str, dict[str, int]] = {}
        for rules in plan.by_type.values():
            for rule in rules:
                if rule.period != "year" or rule.channel in year:
                    continue
                used = await self._limiter.usage(service.id, plan.period_key(rule.period, now))
                year[rule.channel] = {
                    "used": used.get(rule.channel, 0),
                    "limit": rule.limit(service.limits, restricted=service.restricted),
                }
        return year

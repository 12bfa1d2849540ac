"""Counting text messages per recipient per hour against the phone networks' limits.

Counters live in the limiter (in-process, or Redis shared by replicas), in fixed UTC
hours: the same message to the same number, and any message to it. A message over
either limit takes no place and is marked for the networks to block.
"""

from __future__ import annotations

import hashlib

from simulator.domain.clock import Clock
from simulator.domain.models import KeyType, Notification, NotificationType
from simulator.domain.phone_network import PhoneNetworkRules, mark_carrier_blocked
from simulator.domain.ports import Limiter, Reservation

__all__ = ["PhoneNetworkLimits"]

_OWNER = "phone-networks"  # the counters belong to no service: a number is a number
_TTL = 2 * 3600


class PhoneNetworkLimits:
    def __init__(self, *, rules: PhoneNetworkRules, limiter: Limiter, clock: Clock) -> None:
        self._rules = rules
        self._limiter = limiter
        self._clock = clock

    async def take(self, number: str, message: str) -> Reservation | None:
        """A place for this message in this hour; None when the networks would block it."""
        now = self._clock.now()
        # the day names the limiter's period; the hour goes in the counter's name
        day, hour = now.strftime("%Y-%m-%d"), now.strftime("%H")
        # hashed: counter names (Redis keys) carry no phone number or message
        who, what = _digest(number), _digest(message)
        rules = self._rules
        taken = await self._limiter.reserve(
            _OWNER,
            day,
            [
                (f"{who}@{hour}", rules.any_content_per_hour),
                (f"{who}@{hour}#{what}", rules.same_content_per_hour),
            ],
            ttl_seconds=_TTL,
        )
        return taken if isinstance(taken, Reservation) else None

    async def count(self, notification: Notification) -> None:
        """A bulk job's text as it is made: the networks see every text that reaches them,
        single or bulk (a test key's never does; smoke-test rows are never made)."""
        if notification.type is not NotificationType.SMS or notification.key_type is KeyType.TEST:
            return
        if await self.take(notification.normalised_to, notification.body) is None:
            mark_carrier_blocked(notification)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]

"""GC Notify's counted limits: separate email and SMS, per day and per fiscal year (contract 7.2).

GOV.UK's daily allowances are simpler and stay in the profile's ``live_limits``;
a profile with an :class:`AllowancePlan` uses these rules instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from simulator.domain.time_text import day_text

__all__ = ["Allowance", "AllowancePlan", "is_year_period"]

Period = Literal["day", "year"]
_YEAR_PREFIX = "fy"


def is_year_period(period: str) -> bool:
    """Whether a counter period names a fiscal year ("fy2026") rather than a day."""
    return period.startswith(_YEAR_PREFIX)


@dataclass(frozen=True, slots=True)
class Allowance:
    channel: str  # the counter: "email" or "sms"
    period: Period
    override: str  # the Service.limits key that replaces the default
    live_default: int
    trial_default: int
    error: str  # class name, "{mode}" becomes Live or Trial
    text: str  # takes {limit}
    # SMS daily counts fragments, so a three-part message takes three places
    per_fragment: bool = False

    def limit(self, limits: Mapping[str, int], *, restricted: bool) -> int:
        if self.override in limits:
            return limits[self.override]
        return self.trial_default if restricted else self.live_default

    def error_name(self, *, restricted: bool) -> str:
        return self.error.format(mode="Trial" if restricted else "Live")


@dataclass(frozen=True, slots=True)
class AllowancePlan:
    # per notification type, in the order they are checked (annual before daily)
    by_type: Mapping[str, tuple[Allowance, ...]]
    fiscal_year_start_month: int = 4  # GC's fiscal year starts on April 1

    def period_key(self, period: Period, now: datetime) -> str:
        if period == "day":
            return day_text(now)
        start = now.year if now.month >= self.fiscal_year_start_month else now.year - 1
        return f"{_YEAR_PREFIX}{start}"

    def daily(self, channel: str) -> Allowance | None:
        rules = self.by_type.get(channel, ())
        return next((r for r in rules if r.period == "day"), None)

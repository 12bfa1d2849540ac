"""The stated range of every number and date an admin (or a URL) may give.

One table, so no value can reach SQLite's 64-bit integers, ``timedelta`` or ``datetime``
arithmetic outside what they can hold; each bound is also what the docs promise.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from simulator.domain.errors import BadRequestError

__all__ = [
    "EARLIEST",
    "LATEST",
    "NUMBER_RANGES",
    "in_range",
    "moment_in_range",
    "whole_number",
]

NUMBER_RANGES: dict[str, tuple[int, int]] = {
    "rate_limit": (1, 1_000_000),  # requests per minute
    "data_retention_days": (1, 3650),
    "limits": (0, 1_000_000_000),  # daily or annual allowances
    "per_minute_limit": (1, 1_000_000),
    "per_day_limit": (1, 1_000_000_000),
    "grace_seconds": (0, 30 * 86400),
    "advance_seconds": (0, 366 * 86400),
    "template_version": (1, 2**31 - 1),
}

# the business clock and every stored date stay inside this window, so any date arithmetic
# (retention, expiry, a year of allowances) stays far from datetime's limits
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def in_range(kind: str, value: int) -> bool:
    low, high = NUMBER_RANGES[kind]
    return low <= value <= high


def whole_number(field: str, value: Any, kind: str | None = None) -> int:
    """`value` as an int within the range of `kind` (default: the field's own name)."""
    low, high = NUMBER_RANGES[kind or field]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadRequestError(f"{field} must be a whole number from {low} to {high}")
    return value


def moment_in_range(field: str, moment: datetime) -> datetime:
    if not EARLIEST <= moment <= LATEST:
        raise BadRequestError(f"{field} must be between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}")
    return moment

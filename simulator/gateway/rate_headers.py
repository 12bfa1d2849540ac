"""Retry-After and RateLimit-* header values from a limiter's decision."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from simulator.domain.ports import RateDecision

__all__ = ["rate_headers", "seconds_to_midnight"]


def rate_headers(decision: RateDecision) -> dict[str, str]:
    headers = {
        "RateLimit-Limit": str(decision.limit),
        "RateLimit-Remaining": str(max(0, decision.remaining)),
        "RateLimit-Reset": str(max(0, math.ceil(decision.reset_after))),
    }
    if not decision.allowed:
        headers["Retry-After"] = str(max(1, math.ceil(decision.retry_after)))
    return headers


def seconds_to_midnight(now: datetime) -> int:
    """Daily allowances reset at midnight UTC."""
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, math.ceil((midnight - now).total_seconds()))

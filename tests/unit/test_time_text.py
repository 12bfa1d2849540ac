"""The strftime-free formatters write exactly what strftime writes."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from simulator.domain.time_text import day_text, notify_time


def test_formatters_match_strftime_across_days_and_microseconds() -> None:
    pick = random.Random(16)
    start = datetime(2000, 1, 1, tzinfo=UTC)
    for _ in range(5000):
        moment = start + timedelta(microseconds=pick.randrange(0, 40 * 365 * 86_400 * 10**6))
        assert notify_time(moment) == moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        assert day_text(moment) == moment.strftime("%Y-%m-%d")
    edge = datetime(2031, 12, 31, 23, 59, 59, 0, tzinfo=UTC)
    assert notify_time(edge) == "2031-12-31T23:59:59.000000Z"

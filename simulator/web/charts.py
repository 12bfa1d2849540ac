"""Server-rendered SVG charts: the geometry here, the markup in components/charts.html."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

__all__ = ["CHANNELS", "Bar", "Chart", "Meter", "day_bars", "meter"]

CHANNELS = ("email", "sms", "letter")
_WIDTH, _HEIGHT, _AXIS = 640, 200, 24


@dataclass(frozen=True, slots=True)
class Segment:
    channel: str
    y: float
    height: float
    count: int


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    x: float
    width: float
    total: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    baseline: float
    top: int
    bars: tuple[Bar, ...]


def day_bars(days: list[tuple[str, Counter[str]]], language: str) -> Chart:
    """One stacked bar a day: emails, texts and letters sent with team and live keys."""
    top = max([sum(counts.values()) for _, counts in days] + [1])
    plot = _HEIGHT - _AXIS
    slot = _WIDTH / max(len(days), 1)
    bars = []
    for index, (day, counts) in enumerate(days):
        y = float(plot)
        segments = []
        for channel in CHANNELS:
            count = counts.get(channel, 0)
            height = plot * count / top
            y -= height
            if count:
                segments.append(Segment(channel, round(y, 1), round(height, 1), count))
        from babel.dates import format_date  # loaded with the first chart, not at start-up

        label = format_date(date.fromisoformat(day), "EEE d", locale=language)
        bars.append(
            Bar(
                label,
                round(index * slot + slot * 0.15, 1),
                round(slot * 0.7, 1),
                sum(counts.values()),
                tuple(segments),
            )
        )
    return Chart(_WIDTH, _HEIGHT, float(plot), top, tuple(bars))


@dataclass(frozen=True, slots=True)
class Meter:
    used: int
    limit: int | None
    percent: float  # of the allowance, capped at 100 for drawing
    over: bool


def meter(used: int, limit: int | None) -> Meter:
    if not limit:
        return Meter(used, limit, 0.0, False)
    share = 100.0 * used / limit
    return Meter(used, limit, round(min(share, 100.0), 1), share >= 100.0)

"""Moments as Notify writes them, formatted without strftime.

`strftime` costs more than twice the formatting below (callgrind: 21k instructions against
8.8k), and a page of 250 notifications formats a thousand timestamps. The day part is
kept per date, since most moments formatted together share a day.
"""

from __future__ import annotations

from datetime import date, datetime

__all__ = ["day_text", "notify_time"]

_DAYS: dict[date, str] = {}
_DAYS_MAX = 4096


def day_text(moment: datetime) -> str:
    """The moment's calendar day, ``YYYY-MM-DD`` (as ``strftime("%Y-%m-%d")``)."""
    day = moment.date()
    text = _DAYS.get(day)
    if text is None:
        if len(_DAYS) >= _DAYS_MAX:
            _DAYS.clear()
        text = _DAYS[day] = f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    return text


def notify_time(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ``, as ``strftime("%Y-%m-%dT%H:%M:%S.%fZ")``."""
    return "%sT%02d:%02d:%02d.%06dZ" % (  # noqa: UP031 - %-format is the cheapest here
        day_text(moment),
        moment.hour,
        moment.minute,
        moment.second,
        moment.microsecond,
    )

"""The console log line, written as structlog's ``ConsoleRenderer(colors=False)`` writes it.

Every request writes one line, and the ConsoleRenderer's column machinery (a StringIO and
a formatter call per field) costs about 18 µs of it. A line of plain values (text,
numbers, None) is formatted here in one pass, character for character the same; a line
with a traceback or a stack goes to the ConsoleRenderer itself.
"""

from __future__ import annotations

import re

import structlog
from structlog.types import EventDict, WrappedLogger

__all__ = ["ConsoleLine"]

# the columns the ConsoleRenderer puts first, in its order; the rest follow sorted by key
_LEADING = ("timestamp", "level", "event", "logger", "logger_name")
_HANDED_ON = ("exception", "exc_info", "stack")
_EVENT_WIDTH = 30
# the characters for which the ConsoleRenderer quotes a text value with repr()
_NEEDS_REPR = re.compile("[ \t=\r\n\"']")
_PLAIN = (str, int, float, bool, type(None))


def _value(value: object) -> str:
    if isinstance(value, str):
        return repr(value) if _NEEDS_REPR.search(value) else value
    return repr(value)


class ConsoleLine:
    """A structlog renderer: the ConsoleRenderer's line, without colours, made cheaply."""

    def __init__(self) -> None:
        self._renderer = structlog.dev.ConsoleRenderer(colors=False)
        styles = structlog.dev.ConsoleRenderer.get_default_level_styles(colors=False)
        self._level_width = len(max(styles, key=len))

    def __call__(self, logger: WrappedLogger, name: str, event: EventDict) -> str:
        if any(key in event for key in _HANDED_ON) or not all(
            isinstance(value, _PLAIN) for value in event.values()
        ):
            return self._renderer(logger, name, event)
        parts = []
        if "timestamp" in event:
            timestamp = str(event.pop("timestamp"))
            if timestamp:  # the ConsoleRenderer leaves out an empty column
                parts.append(timestamp)
        if "level" in event:
            parts.append(f"[{event.pop('level')!s:<{self._level_width}}]")
        if "event" in event:
            parts.append(f"{event.pop('event')!s:<{_EVENT_WIDTH}}")
        for key in _LEADING[3:]:
            if key in event:
                parts.append(f"[{event.pop(key)}]")
        parts.extend(f"{key}={_value(event[key])}" for key in sorted(event))
        return " ".join(parts).rstrip(" ")

"""The console line is the ConsoleRenderer's line, character for character."""

from __future__ import annotations

from typing import Any

import pytest
import structlog

from simulator.log_console import ConsoleLine

EVENTS: list[dict[str, Any]] = [
    {
        "timestamp": "2026-12-04T23:08:33.648136Z",
        "level": "info",
        "event": "request",
        "status": 201,
        "method": "POST",
        "path": "/v2/notifications/sms",
        "duration_ms": 1.3,
        "recipient": "077*****456",
    },
    {"level": "info", "event": "x", "quoted": "it's", "equals": "a=b", "space": "a b"},
    {"level": "debug", "event": "x", "tab": "\t", "line": "a\nb", "dq": '"', "cr": "\r"},
    {"level": "info", "event": "x", "none": None, "yes": True, "big": 10**20, "nan": float("nan")},
    {"level": "info", "event": "x", "text": "café ’ – \u2028"},
    {"level": "warning", "event": "an event name longer than the thirty characters", "logger": "a"},
    {"timestamp": "", "level": "error", "event": "", "logger_name": "x", "empty": ""},
    {"timestamp": None, "level": "exception", "event": "e"},
    {"event": "only an event"},
    {},
    {"level": "info", "event": "x", "nested": {"a": [1, 2]}},
    {"level": "error", "event": "x", "exception": "Traceback (most recent call last):\n..."},
]


@pytest.mark.parametrize("event", EVENTS)
def test_the_line_is_the_console_renderers(event: dict[str, Any]) -> None:
    expected = structlog.dev.ConsoleRenderer(colors=False)(None, "info", dict(event))
    assert ConsoleLine()(None, "info", dict(event)) == expected

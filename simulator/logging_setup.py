"""The one process-wide setting: structlog's configuration, for our lines and the stdlib's.

The sandbox logs through structlog. aiohttp and asyncio log through the standard library;
their records are sent through the same renderer (console or JSON), with the same level,
timestamp and request context, so nothing reaches the output unformatted.

Every line, ours or the stdlib's, passes `redact_secrets` last before it is rendered.
`FOREIGN_RECORD_STEPS` are the processors applied to every stdlib record first: the place
to rewrite what a library writes.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import orjson
import structlog
from structlog.types import EventDict, Processor, WrappedLogger

from simulator.log_console import ConsoleLine
from simulator.log_redaction import redact_secrets

__all__ = ["FOREIGN_RECORD_STEPS", "configure_logging"]


def _stdlib_logger_name(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    record = event_dict.get("_record")
    if record is not None:
        event_dict.setdefault("logger", record.name)
    return event_dict


# applied, in order, to every record from the standard library's logging (aiohttp, asyncio)
FOREIGN_RECORD_STEPS: list[Processor] = [_stdlib_logger_name]


def _orjson_text(value: Any, **_: Any) -> str:
    return orjson.dumps(value, default=str).decode()


def configure_logging(log_format: str = "console", level: str = "info") -> None:
    renderer: Processor = (
        # orjson: about 10 µs a line against 14 with the stdlib (one line per request)
        structlog.processors.JSONRenderer(serializer=_orjson_text)
        if log_format == "json"
        else ConsoleLine()  # ConsoleRenderer(colors=False)'s line, at a fifth of its cost
    )
    numeric_level = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        # redaction after the traceback is text, so it is masked too
        processors=[*shared, structlog.processors.format_exc_info, redact_secrets, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        logger_factory=structlog.PrintLoggerFactory(sys.stdout),
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, *FOREIGN_RECORD_STEPS],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact_secrets,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(numeric_level)

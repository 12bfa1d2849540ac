"""What differs between the UK and GC request schemas: each profile carries its variant."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulator.domain.schemas.keywords import HTTPS_URL

__all__ = [
    "GC_SCHEDULE_TEXTS",
    "GC_SCHEMA",
    "UK_SCHEDULE_TEXTS",
    "UK_SCHEMA",
    "ScheduleTexts",
    "SchemaVariant",
]


@dataclass(frozen=True, slots=True)
class ScheduleTexts:
    """The ``scheduled_for`` texts, without the field name. ``too_far`` takes ``{hours}``."""

    invalid: str
    in_past: str
    too_far: str


_ISO8601_INVALID = (
    "datetime format is invalid. It must be a valid ISO8601 date time format, "
    "https://en.wikipedia.org/wiki/ISO_8601"
)
UK_SCHEDULE_TEXTS = ScheduleTexts(
    invalid=_ISO8601_INVALID,
    in_past="datetime can not be in the past",
    too_far="datetime can only be {hours} hours in the future",
)
GC_SCHEDULE_TEXTS = ScheduleTexts(
    invalid=_ISO8601_INVALID,
    in_past="datetime cannot be in the past",
    too_far="datetime can only be up to {hours} hours in the future",
)

_UK_PERSONALISATION: dict[str, Any] = {"type": "object"}
# GC treats object values as attachments. "type:" is GC's own typo: it leaves values unchecked.
_GC_PERSONALISATION: dict[str, Any] = {
    "type": "object",
    "patternProperties": {
        "^.*$": {
            "type:": "object",
            "properties": {
                "file": {"type": "string", "binaryEncoding": "base64"},
                "sending_method": {"type": "string", "enum": ["attach", "link"]},
            },
            "required": ["file", "sending_method"],
            "if": {"properties": {"sending_method": {"const": "attach"}}},
            "then": {
                "required": ["filename"],
                "properties": {"filename": {"minLength": 3, "maxLength": 255}},
            },
        }
    },
}


@dataclass(frozen=True, slots=True)
class SchemaVariant:
    """What differs between the UK and GC request schemas (a profile carries its own)."""

    statuses: tuple[str, ...]
    include_jobs: tuple[str, ...]
    personalisation: Mapping[str, Any]
    email_extras: Mapping[str, Any]
    schedule_texts: ScheduleTexts


_UK_STATUSES = (
    "cancelled",
    "created",
    "sending",
    "sent",
    "delivered",
    "pending",
    "failed",
    "technical-failure",
    "temporary-failure",
    "permanent-failure",
    "pending-virus-check",
    "validation-failed",
    "virus-scan-failed",
    "returned-letter",
)
_GC_STATUSES = (*_UK_STATUSES[:10], "provider-failure", *_UK_STATUSES[10:], "pii-check-failed")
UK_SCHEMA = SchemaVariant(
    statuses=(*_UK_STATUSES, "accepted", "received"),
    include_jobs=("true", "True"),
    personalisation=_UK_PERSONALISATION,
    email_extras={
        "one_click_unsubscribe_url": HTTPS_URL,
        "sanitise_content_for": {"type": ["array", "null"], "items": {"type": "string"}},
    },
    schedule_texts=UK_SCHEDULE_TEXTS,
)
# GC joins "accepted" and "received" into one enum value (a GC bug, kept on purpose).
GC_SCHEMA = SchemaVariant(
    statuses=(*_GC_STATUSES, "accepted, received"),
    include_jobs=("true", "True", "false", "False"),
    personalisation=_GC_PERSONALISATION,
    email_extras={},
    schedule_texts=GC_SCHEDULE_TEXTS,
)

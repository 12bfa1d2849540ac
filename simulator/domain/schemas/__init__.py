"""Schema validation of v2 requests, with Notify's error texts.

One job a module: :mod:`.error_texts` (jsonschema failures as Notify's messages, and their
order), :mod:`.keywords` (fragments every schema shares), :mod:`.formats` (the format checks,
``scheduled_for``), :mod:`.variants` (what differs between the UK and GC schemas; a profile
carries one), :mod:`.routes` (each v2 request's schema), :mod:`.fast_path` (the cheap
"certainly valid" walk), :mod:`.validator` (:class:`RequestSchemas`, built once), and
:mod:`.send_a_file` (a send-a-file personalisation value).
"""

from __future__ import annotations

from simulator.domain.schemas.error_texts import SchemaError, schema_error_messages
from simulator.domain.schemas.formats import parse_scheduled_for
from simulator.domain.schemas.send_a_file import validate_file_upload
from simulator.domain.schemas.validator import EmailChecker, PhoneChecker, RequestSchemas
from simulator.domain.schemas.variants import (
    GC_SCHEDULE_TEXTS,
    GC_SCHEMA,
    UK_SCHEDULE_TEXTS,
    UK_SCHEMA,
    ScheduleTexts,
    SchemaVariant,
)

__all__ = [
    "GC_SCHEDULE_TEXTS",
    "GC_SCHEMA",
    "UK_SCHEDULE_TEXTS",
    "UK_SCHEMA",
    "EmailChecker",
    "PhoneChecker",
    "RequestSchemas",
    "ScheduleTexts",
    "SchemaError",
    "SchemaVariant",
    "parse_scheduled_for",
    "schema_error_messages",
    "validate_file_upload",
]

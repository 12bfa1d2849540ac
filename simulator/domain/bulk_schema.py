"""The schema of GC's POST /v2/notifications/bulk body (contract 3.9), with Notify's texts.

GC-API notification_schemas.py ``post_bulk_request``: ``name`` and ``template_id``
required, ``rows`` (2 to CSV_MAX_ROWS + 1 items, the header included) or ``csv``,
``scheduled_for`` within the window, ``reply_to_id`` a UUID or null. Messages are
built by the same rules as every other v2 schema (schemas.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from jsonschema import Draft7Validator, FormatChecker

from simulator.domain.schemas import ScheduleTexts, parse_scheduled_for, schema_error_messages

__all__ = ["BulkSchema"]

_UUID_MESSAGE = "is not a valid UUID"


class _Refused(Exception):
    """A format check's refusal; its text follows the field name."""


class BulkSchema:
    def __init__(
        self,
        *,
        max_rows: int,
        clock: Callable[[], datetime],
        hours_ahead: int,
        texts: ScheduleTexts,
    ) -> None:
        self._clock = clock
        self._hours = hours_ahead
        self._texts = texts
        checker = FormatChecker(formats=())
        checker.checks("validate_uuid", raises=ValueError)(_check_uuid)
        checker.checks("datetime_within_window", raises=_Refused)(self._check_schedule)
        self._schema = _schema(max_rows)
        self._validator = Draft7Validator(self._schema, format_checker=checker)

    def document(self) -> dict[str, Any]:
        """The body as the OpenAPI document shows it: the schema, and exactly one of rows
        or csv (a check the server makes after the schema)."""
        return {
            "allOf": [
                dict(self._schema),
                {"oneOf": [{"required": ["rows"]}, {"required": ["csv"]}]},
            ]
        }

    def validate(self, body: object) -> list[str]:
        """Every message, in jsonschema's order; [] when valid. Falsy JSON counts as {}."""
        return schema_error_messages(self._validator.iter_errors(body or {}))

    def _check_schedule(self, instance: object) -> bool:
        if not isinstance(instance, str):
            return True
        try:
            moment = parse_scheduled_for(instance)
        except ValueError:
            raise _Refused(self._texts.invalid) from None
        now = self._clock()
        if moment < now:
            raise _Refused(self._texts.in_past)
        if moment > now + timedelta(hours=self._hours):
            raise _Refused(self._texts.too_far.format(hours=self._hours))
        return True


def _check_uuid(instance: object) -> bool:
    if isinstance(instance, str):
        uuid.UUID(instance)
    return True


def _schema(max_rows: int) -> dict[str, Any]:
    uuid_field = {"type": "string", "format": "validate_uuid", "validationMessage": _UUID_MESSAGE}
    return {
        "type": "object",
        # property order is the order errors are reported in
        "properties": {
            "name": {"type": "string"},
            "template_id": uuid_field,
            "csv": {"type": "string"},
            "rows": {"type": "array", "minItems": 2, "maxItems": max_rows + 1},
            "scheduled_for": {"type": ["string", "null"], "format": "datetime_within_window"},
            "reply_to_id": {
                "type": ["string", "null"],
                "format": "validate_uuid",
                "validationMessage": _UUID_MESSAGE,
            },
            "reference": {"type": "string"},
        },
        "required": ["name", "template_id"],
        "additionalProperties": False,
    }

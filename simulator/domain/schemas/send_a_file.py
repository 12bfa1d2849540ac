"""Notify's check of a send-a-file personalisation value (UK, contract 3.2).

The schema and texts are notifications-api's ``send_a_file_validation``
(app/v2/notifications/notification_schemas.py, app/schema_validation/__init__.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from jsonschema import Draft7Validator, FormatChecker

from simulator.domain.schemas.error_texts import schema_error_messages
from simulator.domain.schemas.formats import FormatFailure

__all__ = ["validate_file_upload"]

_IS_CSV_AND_FILENAME = "Do not set a value for `is_csv` if `filename` is set."
_RETENTION = re.compile(r"^(\d+) weeks?$")


def _check_is_csv(instance: object) -> bool:
    if instance is None or isinstance(instance, bool):
        return True
    raise FormatFailure(
        f"Unsupported value for is_csv: {instance}. Use a boolean true or false value."
    )


def _check_confirm(instance: object) -> bool:
    if instance is None or isinstance(instance, bool):
        return True
    raise FormatFailure(
        f"Unsupported value for confirm_email_before_download: {instance}. "
        "Use a boolean true or false value."
    )


def _check_retention(instance: object) -> bool:
    if instance is None:
        return True
    if isinstance(instance, str):
        match = _RETENTION.match(instance.strip().lower())
        if match and 1 <= int(match.group(1)) <= 78:
            return True
    raise FormatFailure(
        f"Unsupported value for retention_period: {instance}. "
        "Supported periods are from 1 to 78 weeks."
    )


def _check_filename(instance: object) -> bool:
    if instance is None or (isinstance(instance, str) and "." in instance):
        return True
    raise FormatFailure("`filename` must end with a file extension. For example, filename.csv")


@cache
def _file_upload_validator() -> Draft7Validator:
    checker = FormatChecker(formats=())
    checker.checks("send_a_file_is_csv", raises=FormatFailure)(_check_is_csv)
    checker.checks("send_a_file_confirm", raises=FormatFailure)(_check_confirm)
    checker.checks("send_a_file_retention_period", raises=FormatFailure)(_check_retention)
    checker.checks("send_a_file_filename", raises=FormatFailure)(_check_filename)
    schema = {
        "type": "object",
        "properties": {
            "file": {"type": "string"},
            "is_csv": {"format": "send_a_file_is_csv"},
            "confirm_email_before_download": {"format": "send_a_file_confirm"},
            "retention_period": {"format": "send_a_file_retention_period"},
            "filename": {"format": "send_a_file_filename"},
        },
        "required": ["file"],
        "additionalProperties": False,
    }
    return Draft7Validator(schema, format_checker=checker)


def validate_file_upload(value: Mapping[str, Any]) -> list[str]:
    """Check one send-a-file personalisation value (an object with ``file``); [] when valid.

    Notify runs this after the recipient checks, only for values that are objects holding
    ``file``, so callers pick those values out first.
    """
    messages = schema_error_messages(_file_upload_validator().iter_errors(dict(value)))
    if value.get("is_csv") is not None and value.get("filename") is not None:
        messages.append(_IS_CSV_AND_FILENAME)
    return messages

"""Schema fragments every v2 request schema shares: ids, https URLs, ``scheduled_for``.

Enum values must be lists: jsonschema prints them with repr(), and Notify strips the quotes
from "['sms', 'email', 'letter']" to get "[sms, email, letter]".
"""

from __future__ import annotations

from typing import Any

__all__ = ["HTTPS_URL", "SCHEDULED_FOR", "TEMPLATE_TYPES", "UUID"]

UUID: dict[str, Any] = {
    "type": "string",
    "format": "validate_uuid",
    "validationMessage": "is not a valid UUID",
}
HTTPS_URL: dict[str, Any] = {
    "type": "string",
    "format": "uri",
    "pattern": "^https.*",
    "validationMessage": "is not a valid https url",
}
SCHEDULED_FOR: dict[str, Any] = {"type": ["string", "null"], "format": "datetime_within_window"}
TEMPLATE_TYPES = ["sms", "email", "letter"]

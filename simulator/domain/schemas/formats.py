"""The format checks the request schemas name, and Notify's reading of ``scheduled_for``.

A failing check raises :class:`FormatFailure`; its text follows the field name in the error.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import iso8601

__all__ = [
    "URI",
    "FormatFailure",
    "is_uuid",
    "naive_utc",
    "parse_iso8601",
    "parse_scheduled_for",
]


class FormatFailure(Exception):
    """Raised by a format check; its text becomes the message after the field name."""


def is_uuid(value: str) -> bool:
    # Notify asks uuid.UUID itself, so "{...}", "urn:uuid:..." and bare hex pass too.
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


# RFC 3986 "URI", as the rfc3987 package that jsonschema[format] uses for format "uri".
_PCT = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|{_PCT})"
_REG = rf"(?:[A-Za-z0-9\-._~!$&'()*+,;=]|{_PCT})*"
_USER = rf"(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|{_PCT})*"
_IP_LITERAL = r"\[(?:[0-9A-Fa-f:.]+|[vV][0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+)\]"
_RELATIVE = rf"{_PCHAR}+(?:/{_PCHAR}*)*"
_HIER = rf"(?://(?:{_USER}@)?(?:{_IP_LITERAL}|{_REG})(?::[0-9]*)?(?:/{_PCHAR}*)*|/(?:{_RELATIVE})?|{_RELATIVE}|)"
_QUERY = rf"(?:{_PCHAR}|[/?])*"
URI = re.compile(rf"[A-Za-z][A-Za-z0-9+\-.]*:{_HIER}(?:\?{_QUERY})?(?:#{_QUERY})?$")


def parse_iso8601(text: str) -> datetime:
    """Parse with the iso8601 package as Notify does, then drop the offset without
    converting (Notify's quirk: iso8601.parse_date(value).replace(tzinfo=None));
    iso8601.ParseError is a ValueError."""
    return iso8601.parse_date(text).replace(tzinfo=None)


def parse_scheduled_for(text: str) -> datetime:
    """A valid ``scheduled_for`` as an aware UTC moment, read as the schema check reads it."""
    return parse_iso8601(text).replace(tzinfo=UTC)


def naive_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)

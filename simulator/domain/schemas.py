"""Schema validation of v2 requests, with Notify's error texts.

Notify checks each v2 request body or query string against a JSON Schema (draft 7), collects
every failure, and turns each one into a ``ValidationError`` item (UK-API
app/schema_validation/__init__.py). The schemas below are the same data; the message rules are:

* a failing sub-schema that carries ``validationMessage`` gives
  ``"<top-level field> <validationMessage>"`` (``template_id is not a valid UUID``);
* otherwise ``"<top-level field> <text>"``, where the text is the format check's own message
  or else jsonschema's message, with every ``'`` removed; no field means the text alone;
* repeated messages are dropped, keeping the first.

The order is jsonschema's, which follows the schema and not the request: a wrong top-level
type alone; else each property in schema order, then ``required`` in list order, then
``additionalProperties``. So ``{"template_id": "x"}`` gives ``template_id is not a valid UUID``
before ``phone_number is a required property``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import iso8601
from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import ValidationError as JsonSchemaError

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

PhoneChecker = Callable[[str], str | None]
"""None for a valid number, else the legacy text (``Must not contain letters or symbols``)."""

EmailChecker = Callable[[str], bool]
"""Returns True for a valid email address."""


@dataclass(frozen=True, slots=True)
class SchemaError:
    error: str  # always "ValidationError"
    message: str


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

# -- schema data -------------------------------------------------------------------------------
# Enum values must be lists: jsonschema prints them with repr(), and Notify strips the quotes
# from "['sms', 'email', 'letter']" to get "[sms, email, letter]".

_UUID: dict[str, Any] = {
    "type": "string",
    "format": "validate_uuid",
    "validationMessage": "is not a valid UUID",
}
_HTTPS_URL: dict[str, Any] = {
    "type": "string",
    "format": "uri",
    "pattern": "^https.*",
    "validationMessage": "is not a valid https url",
}
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
_SCHEDULED_FOR: dict[str, Any] = {"type": ["string", "null"], "format": "datetime_within_window"}
_TEMPLATE_TYPES = ["sms", "email", "letter"]


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
        "one_click_unsubscribe_url": _HTTPS_URL,
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


def _reference(max_length: int | None) -> dict[str, Any]:
    return {"type": "string"} if max_length is None else {"type": "string", "maxLength": max_length}


def _post_schema(
    recipient: str, recipient_format: str, sender: str, v: SchemaVariant, ref: dict[str, Any]
) -> dict[str, Any]:
    # Property order matters: it is the order errors are reported in.
    properties = {
        "reference": ref,
        recipient: {"type": "string", "format": recipient_format},
        "template_id": _UUID,
        "personalisation": v.personalisation,
        "scheduled_for": _SCHEDULED_FOR,
        sender: _UUID,
    }
    return {
        "type": "object",
        "properties": properties,
        "required": [recipient, "template_id"],
        "additionalProperties": False,
    }


def _get_notifications_schema(v: SchemaVariant) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "reference": {"type": "string"},
            "status": {"type": "array", "items": {"enum": list(v.statuses)}},
            "template_type": {"type": "array", "items": {"enum": list(_TEMPLATE_TYPES)}},
            "include_jobs": {"enum": list(v.include_jobs)},
            "older_than": _UUID,
        },
        "additionalProperties": False,
    }


_GET_TEMPLATES: dict[str, Any] = {
    "type": "object",
    "properties": {"type": {"enum": _TEMPLATE_TYPES}},
    "additionalProperties": False,
}
_GET_RECEIVED_TEXTS: dict[str, Any] = {
    "type": "object",
    "properties": {"older_than": _UUID},
    "additionalProperties": False,
}

# -- format checks -----------------------------------------------------------------------------


class _FormatFailure(Exception):
    """Raised by a format check; its text becomes the message after the field name."""


def _is_uuid(value: str) -> bool:
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
_URI = re.compile(rf"[A-Za-z][A-Za-z0-9+\-.]*:{_HIER}(?:\?{_QUERY})?(?:#{_QUERY})?$")


def _parse_iso8601(text: str) -> datetime:
    """Parse with the iso8601 package as Notify does, then drop the offset without
    converting (Notify's quirk: iso8601.parse_date(value).replace(tzinfo=None));
    iso8601.ParseError is a ValueError."""
    return iso8601.parse_date(text).replace(tzinfo=None)


def parse_scheduled_for(text: str) -> datetime:
    """A valid ``scheduled_for`` as an aware UTC moment, read as the schema check reads it."""
    return _parse_iso8601(text).replace(tzinfo=UTC)


def _naive_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


# -- message building --------------------------------------------------------------------------


def _messages(errors: Iterable[JsonSchemaError]) -> list[str]:
    found: dict[str, None] = {}
    for error in errors:
        field = error.path[0] if error.path else None
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        if "validationMessage" in schema:
            head = "" if field is None else field
            text = f"{head} {schema['validationMessage']}".strip()
        else:
            raw = str(error.cause) if error.cause is not None else error.message
            raw = raw.replace("'", "")
            text = f"{field} {raw}" if field else raw
        found.setdefault(text, None)
    return list(found)


# -- fast path -----------------------------------------------------------------------------------
# Most requests are valid, and walking the schema by hand is several times cheaper than
# jsonschema's iter_errors. The walk only ever says "certainly valid": any keyword it does not
# know, and any doubt, sends the request through jsonschema, which alone builds messages.

_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "object": dict,
    "array": list,
    "null": type(None),
}
_ANNOTATIONS = frozenset({"validationMessage", "binaryEncoding", "description", "title"})


Check = Callable[[object], bool]


def _compile_fast_path(schema: Mapping[str, Any], checker: FormatChecker) -> Check:
    """A closure that answers "certainly valid" for the schema, or False when unsure.

    Built once per schema, so the common valid request costs a few calls instead of a
    walk over the schema dictionary (issue 4). Unknown keywords make it always unsure,
    and jsonschema then decides and words the errors.
    """
    checks: list[Check] = []
    for keyword, value in schema.items():
        if keyword in _ANNOTATIONS:
            continue
        check = _keyword_check(keyword, value, schema, checker)
        if check is None:
            return lambda instance: False
        checks.append(check)
    return lambda instance: all(check(instance) for check in checks)


def _keyword_check(
    keyword: str, value: Any, schema: Mapping[str, Any], checker: FormatChecker
) -> Check | None:
    if keyword == "type":
        kinds = tuple(_TYPES[n] for n in ([value] if isinstance(value, str) else value))
        # bool is an int subclass; Python's isinstance matches jsonschema for our schemas
        return lambda instance: isinstance(instance, kinds)
    if keyword == "format":
        return lambda instance: checker.conforms(instance, value)
    if keyword == "maxLength":
        return lambda instance: not isinstance(instance, str) or len(instance) <= value
    if keyword == "pattern":
        compiled = re.compile(value)
        return lambda instance: not isinstance(instance, str) or bool(compiled.search(instance))
    if keyword == "enum":
        return lambda instance: isinstance(instance, str) and instance in value
    if keyword == "items":
        item = _compile_fast_path(value, checker)
        return lambda instance: not isinstance(instance, list) or all(map(item, instance))
    if keyword == "required":
        names = tuple(value)
        return lambda instance: not isinstance(instance, dict) or all(n in instance for n in names)
    if keyword == "additionalProperties":
        if value is not False or "patternProperties" in schema:
            return None
        known = frozenset(schema.get("properties", {}))
        return lambda instance: not isinstance(instance, dict) or instance.keys() <= known
    if keyword == "properties":
        subs = {name: _compile_fast_path(sub, checker) for name, sub in value.items()}

        def properties(instance: object) -> bool:
            if not isinstance(instance, dict):
                return True
            return all(subs[name](instance[name]) for name in subs.keys() & instance.keys())

        return properties
    return None


def _surely_valid(schema: Mapping[str, Any], instance: object, checker: FormatChecker) -> bool:
    """The uncompiled form, kept for the property test against jsonschema."""
    return _compile_fast_path(schema, checker)(instance)


def _as_errors(messages: Iterable[str]) -> list[SchemaError]:
    return [SchemaError("ValidationError", message) for message in messages]


def _multi(query: Mapping[str, Any]) -> dict[str, list[str]]:
    return {k: [v] if isinstance(v, str) else list(v) for k, v in query.items()}


# -- the public validator ----------------------------------------------------------------------


class RequestSchemas:
    """Validators for every v2 request, built once; each method returns [] when valid."""

    __slots__ = (
        "_bodies",
        "_clock",
        "_email",
        "_fast_paths",
        "_get_notifications",
        "_get_received_texts",
        "_get_templates",
        "_hours",
        "_phone",
        "_post_email",
        "_post_sms",
        "_preview",
        "_texts",
    )

    def __init__(
        self,
        *,
        phone_checker: PhoneChecker,
        email_checker: EmailChecker,
        clock: Callable[[], datetime],
        reference_max_length: int | None = 1000,
        schedule_hours_ahead: int = 24,
        variant: SchemaVariant = UK_SCHEMA,
        schedule_texts: ScheduleTexts | None = None,
    ) -> None:
        self._phone = phone_checker
        self._email = email_checker
        self._fast_paths: dict[int, Check] = {}
        self._clock = clock
        self._hours = schedule_hours_ahead
        self._texts = schedule_texts or variant.schedule_texts

        ref = _reference(reference_max_length)
        sms_schema = _post_schema("phone_number", "phone_number", "sms_sender_id", variant, ref)
        email_schema = _post_schema(
            "email_address", "email_address", "email_reply_to_id", variant, ref
        )
        email_schema["properties"].update(variant.email_extras)
        preview = {
            "type": "object",
            "properties": {"id": _UUID, "personalisation": variant.personalisation},
            "required": ["id"],
        }
        checker = self._format_checker()

        def build(schema: dict[str, Any]) -> Draft7Validator:
            return Draft7Validator(schema, format_checker=checker)

        self._post_sms = build(sms_schema)
        self._post_email = build(email_schema)
        self._bodies = {
            "/v2/notifications/sms": sms_schema,
            "/v2/notifications/email": email_schema,
        }
        self._get_notifications = build(_get_notifications_schema(variant))
        self._get_templates = build(_GET_TEMPLATES)
        self._get_received_texts = build(_GET_RECEIVED_TEXTS)
        self._preview = build(preview)

    def _format_checker(self) -> FormatChecker:
        checker = FormatChecker(formats=())
        checker.checks("validate_uuid", raises=ValueError)(self._check_uuid)
        checker.checks("phone_number", raises=_FormatFailure)(self._check_phone)
        checker.checks("email_address", raises=_FormatFailure)(self._check_email)
        checker.checks("uri")(self._check_uri)
        checker.checks("datetime_within_window", raises=_FormatFailure)(self._check_schedule)
        return checker

    @staticmethod
    def _check_uuid(instance: object) -> bool:
        if isinstance(instance, str):
            uuid.UUID(instance)
        return True

    def _check_phone(self, instance: object) -> bool:
        if isinstance(instance, str) and (problem := self._phone(instance)) is not None:
            raise _FormatFailure(problem)
        return True

    def _check_email(self, instance: object) -> bool:
        if isinstance(instance, str) and not self._email(instance):
            raise _FormatFailure("Not a valid email address")
        return True

    @staticmethod
    def _check_uri(instance: object) -> bool:
        return not isinstance(instance, str) or _URI.match(instance) is not None

    def _check_schedule(self, instance: object) -> bool:
        if not isinstance(instance, str):
            return True
        try:
            moment = _parse_iso8601(instance)
        except ValueError:
            raise _FormatFailure(self._texts.invalid) from None
        now = _naive_utc(self._clock())
        if moment < now:
            raise _FormatFailure(self._texts.in_past)
        if moment > now + timedelta(hours=self._hours):
            raise _FormatFailure(self._texts.too_far.format(hours=self._hours))
        return True

    def post_bodies(self) -> dict[str, Mapping[str, Any]]:
        """The JSON schemas of the send bodies, by path: the OpenAPI document shows these."""
        return dict(self._bodies)

    # -- POST bodies (falsy JSON counts as {}, as Notify's get_valid_json does) --

    def validate_post_sms(self, body: object) -> list[SchemaError]:
        return self._run(self._post_sms, body or {})

    def validate_post_email(self, body: object) -> list[SchemaError]:
        return self._run(self._post_email, body or {})

    def validate_preview(self, body: object, template_id: str | None = None) -> list[SchemaError]:
        """Notify validates the body with the path's template id added as ``id``.

        Pass ``template_id`` to have it added here. A non-object body (a 500 in Notify)
        gets the type error instead.
        """
        data = body or {}
        if template_id is not None and isinstance(data, dict):
            data = {**data, "id": template_id}
        return self._run(self._preview, data)

    # -- query strings --

    def validate_get_notifications(self, query: Mapping[str, list[str]]) -> list[SchemaError]:
        """Every parameter stays a list except these three, which take their first value."""
        data: dict[str, Any] = _multi(query)
        for single in ("older_than", "reference", "include_jobs"):
            if data.get(single):
                data[single] = data[single][0]
        return self._run(self._get_notifications, data)

    def validate_get_templates(self, query: Mapping[str, list[str]]) -> list[SchemaError]:
        return self._run(self._get_templates, _first_values(query))

    def validate_get_received_texts(self, query: Mapping[str, list[str]]) -> list[SchemaError]:
        return self._run(self._get_received_texts, _first_values(query))

    @staticmethod
    def validate_uuid_path(name: str, value: str) -> list[SchemaError]:
        """A path id: ``notification_id`` for notifications, ``id`` for templates."""
        if isinstance(value, str) and _is_uuid(value):
            return []
        return _as_errors([f"{name} is not a valid UUID"])

    def _run(self, validator: Draft7Validator, instance: object) -> list[SchemaError]:
        fast = self._fast_paths.get(id(validator))
        if fast is None:
            schema, checker = validator.schema, validator.format_checker
            # every validator here is built from a dict schema with a format checker
            assert not isinstance(schema, bool) and checker is not None
            fast = self._fast_paths[id(validator)] = _compile_fast_path(schema, checker)
        if fast(instance):
            return []
        return _as_errors(_messages(validator.iter_errors(instance)))


def _first_values(query: Mapping[str, Any]) -> dict[str, str]:
    # werkzeug's to_dict(): the first value of each parameter
    return {k: v[0] for k, v in _multi(query).items() if v}


# -- send a file by email (UK) -------------------------------------------------------------------

_IS_CSV_AND_FILENAME = "Do not set a value for `is_csv` if `filename` is set."
_RETENTION = re.compile(r"^(\d+) weeks?$")


def _check_is_csv(instance: object) -> bool:
    if instance is None or isinstance(instance, bool):
        return True
    raise _FormatFailure(
        f"Unsupported value for is_csv: {instance}. Use a boolean true or false value."
    )


def _check_confirm(instance: object) -> bool:
    if instance is None or isinstance(instance, bool):
        return True
    raise _FormatFailure(
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
    raise _FormatFailure(
        f"Unsupported value for retention_period: {instance}. "
        "Supported periods are from 1 to 78 weeks."
    )


def _check_filename(instance: object) -> bool:
    if instance is None or (isinstance(instance, str) and "." in instance):
        return True
    raise _FormatFailure("`filename` must end with a file extension. For example, filename.csv")


@cache
def _file_upload_validator() -> Draft7Validator:
    checker = FormatChecker(formats=())
    checker.checks("send_a_file_is_csv", raises=_FormatFailure)(_check_is_csv)
    checker.checks("send_a_file_confirm", raises=_FormatFailure)(_check_confirm)
    checker.checks("send_a_file_retention_period", raises=_FormatFailure)(_check_retention)
    checker.checks("send_a_file_filename", raises=_FormatFailure)(_check_filename)
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
    messages = _messages(_file_upload_validator().iter_errors(dict(value)))
    if value.get("is_csv") is not None and value.get("filename") is not None:
        messages.append(_IS_CSV_AND_FILENAME)
    return messages


def schema_error_messages(errors: Iterable[JsonSchemaError]) -> list[str]:
    """Notify's texts for jsonschema errors, for validators built elsewhere (letters)."""
    return _messages(errors)

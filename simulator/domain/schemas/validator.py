"""The validator of every v2 request, built once from a profile's variant and checks."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from jsonschema import Draft7Validator, FormatChecker

from simulator.domain.schemas.error_texts import SchemaError, as_errors, schema_error_messages
from simulator.domain.schemas.fast_path import Check, compile_fast_path
from simulator.domain.schemas.formats import (
    URI,
    FormatFailure,
    is_uuid,
    naive_utc,
    parse_iso8601,
)
from simulator.domain.schemas.routes import (
    GET_RECEIVED_TEXTS,
    GET_TEMPLATES,
    get_notifications_schema,
    post_email_schema,
    post_sms_schema,
    preview_schema,
)
from simulator.domain.schemas.variants import UK_SCHEMA, ScheduleTexts, SchemaVariant

__all__ = ["EmailChecker", "PhoneChecker", "RequestSchemas"]

PhoneChecker = Callable[[str], str | None]
"""None for a valid number, else the legacy text (``Must not contain letters or symbols``)."""

EmailChecker = Callable[[str], bool]
"""Returns True for a valid email address."""


def _multi(query: Mapping[str, Any]) -> dict[str, list[str]]:
    return {k: [v] if isinstance(v, str) else list(v) for k, v in query.items()}


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

        sms_schema = post_sms_schema(variant, reference_max_length)
        email_schema = post_email_schema(variant, reference_max_length)
        checker = self._format_checker()

        def build(schema: dict[str, Any]) -> Draft7Validator:
            return Draft7Validator(schema, format_checker=checker)

        self._post_sms = build(sms_schema)
        self._post_email = build(email_schema)
        self._bodies = {
            "/v2/notifications/sms": sms_schema,
            "/v2/notifications/email": email_schema,
        }
        self._get_notifications = build(get_notifications_schema(variant))
        self._get_templates = build(GET_TEMPLATES)
        self._get_received_texts = build(GET_RECEIVED_TEXTS)
        self._preview = build(preview_schema(variant))

    def _format_checker(self) -> FormatChecker:
        checker = FormatChecker(formats=())
        checker.checks("validate_uuid", raises=ValueError)(self._check_uuid)
        checker.checks("phone_number", raises=FormatFailure)(self._check_phone)
        checker.checks("email_address", raises=FormatFailure)(self._check_email)
        checker.checks("uri")(self._check_uri)
        checker.checks("datetime_within_window", raises=FormatFailure)(self._check_schedule)
        return checker

    @staticmethod
    def _check_uuid(instance: object) -> bool:
        if isinstance(instance, str):
            uuid.UUID(instance)
        return True

    def _check_phone(self, instance: object) -> bool:
        if isinstance(instance, str) and (problem := self._phone(instance)) is not None:
            raise FormatFailure(problem)
        return True

    def _check_email(self, instance: object) -> bool:
        if isinstance(instance, str) and not self._email(instance):
            raise FormatFailure("Not a valid email address")
        return True

    @staticmethod
    def _check_uri(instance: object) -> bool:
        return not isinstance(instance, str) or URI.match(instance) is not None

    def _check_schedule(self, instance: object) -> bool:
        if not isinstance(instance, str):
            return True
        try:
            moment = parse_iso8601(instance)
        except ValueError:
            raise FormatFailure(self._texts.invalid) from None
        now = naive_utc(self._clock())
        if moment < now:
            raise FormatFailure(self._texts.in_past)
        if moment > now + timedelta(hours=self._hours):
            raise FormatFailure(self._texts.too_far.format(hours=self._hours))
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
        if isinstance(value, str) and is_uuid(value):
            return []
        return as_errors([f"{name} is not a valid UUID"])

    def _run(self, validator: Draft7Validator, instance: object) -> list[SchemaError]:
        fast = self._fast_paths.get(id(validator))
        if fast is None:
            schema, checker = validator.schema, validator.format_checker
            # every validator here is built from a dict schema with a format checker
            assert not isinstance(schema, bool) and checker is not None
            fast = self._fast_paths[id(validator)] = compile_fast_path(schema, checker)
        if fast(instance):
            return []
        return as_errors(schema_error_messages(validator.iter_errors(instance)))


def _first_values(query: Mapping[str, Any]) -> dict[str, str]:
    # werkzeug's to_dict(): the first value of each parameter
    return {k: v[0] for k, v in _multi(query).items() if v}

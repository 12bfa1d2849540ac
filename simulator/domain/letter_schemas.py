"""The two letter request schemas of POST /v2/notifications/letter, with Notify's texts.

From alphagov/notifications-api ``app/v2/notifications/notification_schemas.py``
(``post_letter_request``, ``post_precompiled_letter_request``) and
``app/schema_validation/__init__.py`` (the ``postage`` format and its text).
"""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

from jsonschema import Draft7Validator, FormatChecker

from simulator.domain.schemas import schema_error_messages

__all__ = ["validate_post_letter", "validate_post_precompiled_letter"]

_POSTAGE_TEXT = "invalid. It must be either first, second or economy."


class _PostageFailure(Exception):
    pass


def _check_uuid(instance: object) -> bool:
    if isinstance(instance, str):
        uuid.UUID(instance)
    return True


def _check_postage(instance: object) -> bool:
    if isinstance(instance, str) and instance not in ("first", "second", "economy"):
        raise _PostageFailure(_POSTAGE_TEXT)
    return True


def _schemas(reference_max_length: int | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(templated, precompiled) letter bodies."""
    reference: dict[str, Any] = {"type": "string"}
    if reference_max_length is not None:
        reference["maxLength"] = reference_max_length
    templated = {
        "type": "object",
        "properties": {
            "reference": reference,
            "template_id": {
                "type": "string",
                "format": "validate_uuid",
                "validationMessage": "is not a valid UUID",
            },
            "personalisation": {"type": "object"},
        },
        "required": ["template_id", "personalisation"],
        "additionalProperties": False,
    }
    precompiled = {
        "type": "object",
        "properties": {
            "reference": {"type": "string"},
            "content": {"type": "string"},
            "postage": {"type": "string", "format": "postage"},
        },
        "required": ["reference", "content"],
        "additionalProperties": False,
    }
    return templated, precompiled


@cache
def _validators(reference_max_length: int | None) -> tuple[Draft7Validator, Draft7Validator]:
    checker = FormatChecker(formats=())
    checker.checks("validate_uuid", raises=ValueError)(_check_uuid)
    checker.checks("postage", raises=_PostageFailure)(_check_postage)
    templated, precompiled = _schemas(reference_max_length)
    return (
        Draft7Validator(templated, format_checker=checker),
        Draft7Validator(precompiled, format_checker=checker),
    )


def letter_body_schema(reference_max_length: int | None = 1000) -> dict[str, Any]:
    """The templated letter body, for the OpenAPI document."""
    return _schemas(reference_max_length)[0]


def validate_post_letter(body: object, reference_max_length: int | None = 1000) -> list[str]:
    return schema_error_messages(_validators(reference_max_length)[0].iter_errors(body or {}))


def validate_post_precompiled_letter(body: object) -> list[str]:
    return schema_error_messages(_validators(None)[1].iter_errors(body or {}))

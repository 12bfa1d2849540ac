"""The JSON schema of each v2 request, built from a profile's variant (contract 3, 4, 5).

Property order matters: it is the order errors are reported in.
"""

from __future__ import annotations

from typing import Any

from simulator.domain.schemas.keywords import SCHEDULED_FOR, TEMPLATE_TYPES, UUID
from simulator.domain.schemas.variants import SchemaVariant

__all__ = [
    "GET_RECEIVED_TEXTS",
    "GET_TEMPLATES",
    "get_notifications_schema",
    "post_email_schema",
    "post_sms_schema",
    "preview_schema",
]


def _reference(max_length: int | None) -> dict[str, Any]:
    return {"type": "string"} if max_length is None else {"type": "string", "maxLength": max_length}


def _post_schema(
    recipient: str, recipient_format: str, sender: str, v: SchemaVariant, ref: dict[str, Any]
) -> dict[str, Any]:
    properties = {
        "reference": ref,
        recipient: {"type": "string", "format": recipient_format},
        "template_id": UUID,
        "personalisation": v.personalisation,
        "scheduled_for": SCHEDULED_FOR,
        sender: UUID,
    }
    return {
        "type": "object",
        "properties": properties,
        "required": [recipient, "template_id"],
        "additionalProperties": False,
    }


def post_sms_schema(v: SchemaVariant, reference_max_length: int | None) -> dict[str, Any]:
    ref = _reference(reference_max_length)
    return _post_schema("phone_number", "phone_number", "sms_sender_id", v, ref)


def post_email_schema(v: SchemaVariant, reference_max_length: int | None) -> dict[str, Any]:
    ref = _reference(reference_max_length)
    schema = _post_schema("email_address", "email_address", "email_reply_to_id", v, ref)
    schema["properties"].update(v.email_extras)
    return schema


def preview_schema(v: SchemaVariant) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"id": UUID, "personalisation": v.personalisation},
        "required": ["id"],
    }


def get_notifications_schema(v: SchemaVariant) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "reference": {"type": "string"},
            "status": {"type": "array", "items": {"enum": list(v.statuses)}},
            "template_type": {"type": "array", "items": {"enum": list(TEMPLATE_TYPES)}},
            "include_jobs": {"enum": list(v.include_jobs)},
            "older_than": UUID,
        },
        "additionalProperties": False,
    }


GET_TEMPLATES: dict[str, Any] = {
    "type": "object",
    "properties": {"type": {"enum": TEMPLATE_TYPES}},
    "additionalProperties": False,
}
GET_RECEIVED_TEXTS: dict[str, Any] = {
    "type": "object",
    "properties": {"older_than": UUID},
    "additionalProperties": False,
}

"""GC's template management API (/v2/manage-template): request schemas, texts and limits.

cds-snc/notification-api app/v2/manage_template/: ``template_schemas.py`` (the two
schemas, kept here as data), ``post_template.py`` (the order of checks, the category
error body, the limits) and ``app/v2/errors.py`` (the category error classes).
The content limit is notifications-utils' ``is_message_too_long`` for a template with
no values yet: SMS counts character units with the placeholders left out (612), email
the raw content with its placeholders (50,000); names are at most 255 characters.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft7Validator, FormatChecker

from simulator.domain.schemas import schema_error_messages
from simulator.domain.sms import EXTENDED_GSM_CHARACTERS, WELSH_NON_GSM_CHARACTERS, sanitise_sms
from simulator.domain.template_categories import TemplateCategory
from simulator.domain.templating import PLACEHOLDER_RE

__all__ = [
    "ManageTemplateRules",
    "ManageTemplateSchema",
    "ManageTemplateTexts",
    "category_failure",
    "content_units",
]

_UUID = {"type": "string", "format": "validate_uuid", "validationMessage": "is not a valid UUID"}
_NULLABLE_UUID = {
    "type": ["string", "null"],
    "format": "validate_uuid",
    "validationMessage": "is not a valid UUID",
}

_POST: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "template_type": {"enum": ["sms", "email"]},
        "content": {"type": "string"},
        "subject": {"type": "string"},
        "template_category_id": _UUID,
        "parent_folder_id": _UUID,
    },
    "required": ["name", "template_type", "content", "template_category_id"],
    "if": {"properties": {"template_type": {"enum": ["email"]}}},
    "then": {"required": ["subject"]},
    "additionalProperties": False,
}
_PATCH: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "content": {"type": "string"},
        "subject": {"type": "string"},
        "template_category_id": _UUID,
        "parent_folder_id": _NULLABLE_UUID,
    },
    "additionalProperties": False,
}


@dataclass(frozen=True, slots=True)
class ManageTemplateTexts:
    category_invalid: str  # TemplateCategoryValidationError
    category_required: str  # TemplateCategoryValidationError, when a property is missing
    category_not_found: str  # TemplateCategoryNotFoundError
    folder_not_found: str
    content_too_long: str  # {limit}
    name_too_long: str  # {limit}
    type_not_allowed: str  # ForbiddenError, {kind}: "text message" or "email"
    already_archived: str


@dataclass(frozen=True, slots=True)
class ManageTemplateRules:
    texts: ManageTemplateTexts
    categories: tuple[TemplateCategory, ...]
    sms_limit: int = 612  # notifications-utils SMS_CHAR_COUNT_LIMIT
    email_limit: int = 50_000  # EMAIL_CHAR_COUNT_LIMIT
    name_limit: int = 255  # TEMPLATE_NAME_CHAR_COUNT_LIMIT

    def category(self, category_id: str | None) -> TemplateCategory | None:
        return next((c for c in self.categories if c.id == category_id), None)


def _check_uuid(instance: object) -> bool:
    if isinstance(instance, str):
        uuid.UUID(instance)
    return True


class ManageTemplateSchema:
    def __init__(self) -> None:
        checker = FormatChecker(formats=())
        checker.checks("validate_uuid", raises=ValueError)(_check_uuid)
        self._post = Draft7Validator(_POST, format_checker=checker)
        self._patch = Draft7Validator(_PATCH, format_checker=checker)

    def validate_post(self, body: object) -> list[str]:
        """Every message, in jsonschema's order; [] when valid. Falsy JSON counts as {}."""
        return schema_error_messages(self._post.iter_errors(body or {}))

    def validate_patch(self, body: object) -> list[str]:
        return schema_error_messages(self._patch.iter_errors(body or {}))


def category_failure(
    messages: Sequence[str], texts: ManageTemplateTexts, *, creating: bool
) -> str | None:
    """GC's reading of a failed validation: if any text names ``template_category_id`` the
    whole answer becomes a category error (the other failures are dropped), and on create it
    says "required" when any text says "required property"."""
    joined = " ".join(messages)
    if "template_category_id" not in joined:
        return None
    if creating and "required property" in joined:
        return texts.category_required
    return texts.category_invalid


def content_units(template_type: str, content: str) -> int:
    """What notifications-utils counts for a template without values (see the module doc)."""
    if template_type != "sms":
        return len(content)
    text = sanitise_sms(PLACEHOLDER_RE.sub("", content.strip())).replace("\r\n", "\n")
    if not WELSH_NON_GSM_CHARACTERS.isdisjoint(text):  # Unicode: one unit a character
        return len(text)
    return len(text) + sum(map(text.count, EXTENDED_GSM_CHARACTERS))

"""GC Notify's legacy v1 API (cds-snc/notification-api ``app/notifications/rest.py``):
its request forms and their texts, pure.

GC still serves ``GET /notifications``, ``GET /notifications/<uuid>`` and
``POST /notifications/sms|email`` to API keys. Their bodies and queries are read by
marshmallow schemas (``app/schemas.py``): every field is checked and the failures come
back together as ``{field: [text, ...]}``, in marshmallow's own words. The facts are
from GC's code; the code is ours.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from simulator.domain.email_render import email_subject
from simulator.domain.sms import render_sms_body, sanitise_sms
from simulator.domain.templating import fill

__all__ = [
    "LegacyContent",
    "LegacyListQuery",
    "LegacyRules",
    "LegacySendForm",
    "LegacyTexts",
    "legacy_body_schemas",
    "legacy_content",
    "read_list_query",
    "read_send_form",
]

FieldErrors = dict[str, Any]  # {"to": ["..."]}, or nested for list items


@dataclass(frozen=True, slots=True)
class LegacyTexts:
    """GC's v1 texts (``app/notifications/rest.py``) and marshmallow 3's field texts."""

    # marshmallow's Field/String/Dict/Integer/Boolean/UUID/OneOf default messages
    required: str = "Missing data for required field."
    null: str = "Field may not be null."
    not_string: str = "Not a valid string."
    not_mapping: str = "Not a valid mapping type."
    not_integer: str = "Not a valid integer."
    not_boolean: str = "Not a valid boolean."
    not_uuid: str = "Not a valid UUID."
    not_object: str = "Invalid input type."  # the body is JSON but not an object
    one_of: str = "Must be one of: {choices}."
    # app/schemas.py
    not_positive: str = "Not a positive integer"
    invalid_phone: str = "Invalid phone number: {detail}"
    # app/notifications/rest.py
    type_not_supported: str = "{type} notification type is not supported"
    letter_hint: str = ", please use the latest version of the client"
    missing_personalisation: str = "Missing personalisation: {names}"
    content_too_long: str = "Content has a character count greater than the limit of {limit}"
    cannot_send: str = "Cannot send {plural}"
    # app/notifications/validators.py check_template_is_for_notification_type
    wrong_template_type: str = "{template_type} template is not suitable for {type} notification"


@dataclass(frozen=True, slots=True)
class LegacyRules:
    texts: LegacyTexts = field(default_factory=LegacyTexts)
    page_size: int = 250  # API_PAGE_SIZE
    # Template.template_type's enum, in GC's order (app/models.py TEMPLATE_TYPES)
    template_types: tuple[str, ...] = ("sms", "email", "letter")
    sms_char_limit: int = 612  # SMS_CHAR_COUNT_LIMIT, counted without the prefix here


@dataclass(frozen=True, slots=True)
class LegacySendForm:
    to: str  # as sent: GC stores request.get_json()["to"]
    template_id: str
    personalisation: dict[str, Any]


# marshmallow's Boolean.truthy and .falsy, as a query string can spell them
_TRUE = frozenset(
    ["t", "T", "true", "True", "TRUE", "on", "On", "ON", "y", "Y", "yes", "Yes", "YES", "1"]
)
_FALSE = frozenset(
    ["f", "F", "false", "False", "FALSE", "off", "Off", "OFF", "n", "N", "no", "No", "NO", "0"]
)


def _string(body: Mapping[str, Any], name: str, texts: LegacyTexts, errors: FieldErrors) -> Any:
    value = body.get(name)
    if name not in body:
        return None
    if value is None:
        errors[name] = [texts.null]
    elif not isinstance(value, str):
        errors[name] = [texts.not_string]
    return value


def read_send_form(
    body: Any,
    *,
    is_sms: bool,
    rules: LegacyRules,
    check_to: Callable[[str], str | None],
) -> LegacySendForm | FieldErrors:
    """``SmsTemplateNotificationSchema`` or ``EmailNotificationSchema``: the form, or the
    errors by field. ``check_to`` gives the recipient's refusal text, if any; unknown
    fields are left out (``unknown = EXCLUDE``)."""
    texts = rules.texts
    if not isinstance(body, dict):
        return {"_schema": [texts.not_object]}
    errors: FieldErrors = {}
    to = _string(body, "to", texts, errors)
    template = _string(body, "template", texts, errors)
    for name in ("to", "template"):
        if name not in body:
            errors[name] = [texts.required]
    for name in ("status", "job") if is_sms else ("status",):
        _string(body, name, texts, errors)
    personalisation = body.get("personalisation", {})
    if "personalisation" in body and personalisation is None:
        errors["personalisation"] = [texts.null]
    elif not isinstance(personalisation, dict):
        errors["personalisation"] = [texts.not_mapping]
    if isinstance(to, str) and "to" not in errors:
        refusal = check_to(to)
        if refusal is not None:
            errors["to"] = [texts.invalid_phone.format(detail=refusal) if is_sms else refusal]
    if errors:
        return errors
    return LegacySendForm(to, template, dict(personalisation))


@dataclass(frozen=True, slots=True)
class LegacyListQuery:
    page: int = 1
    page_size: int | None = None
    limit_days: int | None = None
    include_jobs: bool = False
    template_types: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)


def _integer(value: str, texts: LegacyTexts, *, positive: bool) -> int | str:
    try:
        number = int(value)
    except ValueError:
        return texts.not_integer
    if positive and number < 1:
        return texts.not_positive
    return number


def read_list_query(
    query: Mapping[str, Sequence[str]], rules: LegacyRules
) -> LegacyListQuery | FieldErrors:
    """``NotificationsFilterSchema``: one value per name (the first), every value of
    ``template_type`` and ``status``; unknown names are left out."""
    texts = rules.texts
    errors: FieldErrors = {}
    first = {name: values[0] for name, values in query.items() if values}
    numbers: dict[str, int] = {}
    for name, positive in (("page", True), ("page_size", True), ("limit_days", False)):
        if name in first:
            read = _integer(first[name], texts, positive=positive)
            if isinstance(read, str):
                errors[name] = [read]
            else:
                numbers[name] = read
    flags: dict[str, bool] = {}
    for name in ("include_jobs", "include_from_test_key", "include_one_off", "count_pages"):
        if name in first:
            value = first[name]
            if value in _TRUE or value in _FALSE:
                flags[name] = value in _TRUE
            else:
                errors[name] = [texts.not_boolean]
    if "older_than" in first:  # read, never used by the v1 list
        try:
            uuid.UUID(first["older_than"])
        except ValueError:
            errors["older_than"] = [texts.not_uuid]
    types = list(query.get("template_type", ()))
    wrong = {
        str(index): {
            "template_type": [texts.one_of.format(choices=", ".join(rules.template_types))]
        }
        for index, value in enumerate(types)
        if value not in rules.template_types
    }
    if wrong:
        errors["template_type"] = wrong
    if errors:
        return errors
    return LegacyListQuery(
        page=numbers.get("page", 1),
        page_size=numbers.get("page_size"),
        limit_days=numbers.get("limit_days"),
        include_jobs=flags.get("include_jobs", False),
        template_types=types,
        statuses=list(query.get("status", ())),
    )


@dataclass(frozen=True, slots=True)
class LegacyContent:
    body: str
    subject: str | None  # emails only
    content_char_count: int | None  # text messages only


def legacy_content(
    template_type: str, content: str, subject: str | None, values: Mapping[str, Any]
) -> LegacyContent:
    """GC's ``get_template_instance(template, values)``: an ``SMSMessageTemplate`` without
    the service's prefix, or a ``WithSubjectTemplate`` (markdown as written, the subject
    with values HTML-escaped). ``content_count`` is the UTF-8 bytes of the text, or of
    the stripped template when there are no values at all."""
    if template_type == "sms":
        body = render_sms_body(content, values)
        counted = body if values else sanitise_sms(content.strip())
        return LegacyContent(body, None, len(counted.encode("utf-8")))
    return LegacyContent(
        fill(content, values, list_style="markdown"),
        email_subject(subject or "", values, escape_html=True),
        None,
    )


def legacy_body_schemas() -> dict[str, dict[str, Any]]:
    """The two send forms as JSON schemas, by path, for the OpenAPI document."""

    def form(*extra: str) -> dict[str, Any]:
        names = ("to", "template", "status", *extra)
        properties: dict[str, Any] = {name: {"type": "string"} for name in names}
        properties["personalisation"] = {"type": "object"}
        return {"type": "object", "required": ["to", "template"], "properties": properties}

    return {"/notifications/sms": form("job"), "/notifications/email": form()}

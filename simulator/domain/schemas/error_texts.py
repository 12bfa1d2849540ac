"""jsonschema's failures as Notify's ``ValidationError`` texts: the one home of those rules.

Notify checks each v2 request body or query string against a JSON Schema (draft 7), collects
every failure, and turns each one into a ``ValidationError`` item (UK-API
app/schema_validation/__init__.py). The message rules are:

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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from jsonschema.exceptions import ValidationError as JsonSchemaError

__all__ = ["SchemaError", "as_errors", "schema_error_messages"]


@dataclass(frozen=True, slots=True)
class SchemaError:
    error: str  # always "ValidationError"
    message: str


def schema_error_messages(errors: Iterable[JsonSchemaError]) -> list[str]:
    """Notify's texts for jsonschema errors, in jsonschema's order, repeats dropped."""
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


def as_errors(messages: Iterable[str]) -> list[SchemaError]:
    return [SchemaError("ValidationError", message) for message in messages]

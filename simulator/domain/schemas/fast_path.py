"""A cheap "certainly valid" answer for a request, before jsonschema is asked (issue 4).

Most requests are valid, and walking the schema by hand is several times cheaper than
jsonschema's iter_errors. The walk only ever says "certainly valid": any keyword it does not
know, and any doubt, sends the request through jsonschema, which alone builds messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from jsonschema import FormatChecker

__all__ = ["Check", "compile_fast_path", "surely_valid"]

_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "object": dict,
    "array": list,
    "null": type(None),
}
_ANNOTATIONS = frozenset({"validationMessage", "binaryEncoding", "description", "title"})


Check = Callable[[object], bool]


def compile_fast_path(schema: Mapping[str, Any], checker: FormatChecker) -> Check:
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
        item = compile_fast_path(value, checker)
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
        subs = {name: compile_fast_path(sub, checker) for name, sub in value.items()}

        def properties(instance: object) -> bool:
            if not isinstance(instance, dict):
                return True
            return all(subs[name](instance[name]) for name in subs.keys() & instance.keys())

        return properties
    return None


def surely_valid(schema: Mapping[str, Any], instance: object, checker: FormatChecker) -> bool:
    """The uncompiled form, kept for the property test against jsonschema."""
    return compile_fast_path(schema, checker)(instance)

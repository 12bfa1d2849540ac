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
    return _every(tuple(checks))


def _every(checks: tuple[Check, ...]) -> Check:
    # a plain loop, not all() over a generator: this runs for every value of every request
    if len(checks) == 1:
        return checks[0]

    def every(instance: object) -> bool:
        for check in checks:  # noqa: SIM110 - all() over a generator costs more
            if not check(instance):
                return False
        return True

    return every


def _keyword_check(
    keyword: str, value: Any, schema: Mapping[str, Any], checker: FormatChecker
) -> Check | None:
    if keyword == "type":
        kinds = tuple(_TYPES[n] for n in ([value] if isinstance(value, str) else value))
        # bool is an int subclass; Python's isinstance matches jsonschema for our schemas
        return lambda instance: isinstance(instance, kinds)
    if keyword == "format":
        found = checker.checkers.get(value)
        if found is None:  # jsonschema ignores a format it has no check for
            return lambda instance: True
        func, raises = found

        def conforms(instance: object) -> bool:  # FormatChecker.conforms, without its layers
            try:
                return bool(func(instance))
            except raises:
                return False

        return conforms
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

        def required(instance: object) -> bool:
            if isinstance(instance, dict):
                for name in names:
                    if name not in instance:
                        return False
            return True

        return required
    if keyword == "additionalProperties":
        if value is not False or "patternProperties" in schema:
            return None
        known = frozenset(schema.get("properties", {}))
        return lambda instance: not isinstance(instance, dict) or instance.keys() <= known
    if keyword == "properties":
        subs = tuple((name, compile_fast_path(sub, checker)) for name, sub in value.items())

        def properties(instance: object) -> bool:
            if isinstance(instance, dict):
                for name, check in subs:
                    if name in instance and not check(instance[name]):
                        return False
            return True

        return properties
    return None


def surely_valid(schema: Mapping[str, Any], instance: object, checker: FormatChecker) -> bool:
    """The uncompiled form, kept for the property test against jsonschema."""
    return compile_fast_path(schema, checker)(instance)

"""Reading one mapping of a fixture file, field by field, with its path for every error.

A misspelt or unknown key is refused, not ignored: ``tempaltes:`` would otherwise load a
service without templates and leave the user guessing. Errors read
``services[0].templates[1].id: not a UUID: 'abc'``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any, TypeVar

from simulator.did_you_mean import unknown_name_message

__all__ = ["FieldError", "Fields"]

T = TypeVar("T")
_MISSING: Any = object()


class FieldError(ValueError):
    """A problem at one place in a file; `str()` is ``<path>: <problem>``."""


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


class Fields:
    """One mapping at `path`; every read names the field's full path when it fails."""

    __slots__ = ("path", "raw")

    def __init__(self, path: str, raw: Any, allowed: Collection[str]) -> None:
        self.path = path
        if not isinstance(raw, Mapping):
            raise FieldError(f"{path or 'the file'}: expected a mapping, got {_kind(raw)}")
        self.raw: Mapping[str, Any] = raw
        for name in raw:
            if name not in allowed:
                where = path or "top level"
                raise FieldError(f"{where}: {unknown_name_message('field', str(name), allowed)}")

    def at(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str, problem: str) -> FieldError:
        return FieldError(f"{self.at(name)}: {problem}")

    def has(self, name: str) -> bool:
        return self.raw.get(name) is not None

    def _get(self, name: str, default: Any) -> Any:
        value = self.raw.get(name)
        if value is None:
            if default is _MISSING:
                raise self.fail(name, "required")
            return default
        return value

    def text(self, name: str, default: Any = _MISSING) -> Any:
        value = self._get(name, default)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(name, f"expected text, got {_kind(value)}")
        return str(value)

    def uuid(self, name: str, default: Any = _MISSING, *, hint: str = "") -> Any:
        value = self._get(name, default)
        if value is default:
            return value
        try:
            return str(uuid.UUID(str(value)))
        except ValueError:
            raise self.fail(name, f"not a UUID: {value!r}{hint}") from None

    def boolean(self, name: str, default: Any = _MISSING) -> Any:
        value = self._get(name, default)
        if not isinstance(value, bool):
            raise self.fail(name, f"expected true or false, got {value!r}")
        return value

    def number(self, name: str, default: Any = _MISSING, *, minimum: float = 0) -> Any:
        value = self._get(name, default)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            raise self.fail(name, f"expected a number of at least {minimum:g}, got {value!r}")
        return value

    def check(self, name: str, value: T, checker: Callable[[T], Any]) -> Any:
        """`checker(value)`, with any ValueError it raises put at this field."""
        try:
            return checker(value)
        except ValueError as error:
            raise self.fail(name, str(error)) from None

    def choice(self, name: str, choices: Collection[str], default: Any = _MISSING) -> Any:
        value = self._get(name, default)
        if value is default:
            return value
        if value not in choices:
            raise self.fail(name, f"{value!r} is not one of {', '.join(sorted(choices))}")
        return str(value)

    def strings(self, name: str, allowed: Collection[str] | None = None) -> list[str]:
        value = self._get(name, [])
        if not isinstance(value, list):
            raise self.fail(name, f"expected a list, got {_kind(value)}")
        found = []
        for index, item in enumerate(value):
            where = f"{self.at(name)}[{index}]"
            if isinstance(item, bool) or not isinstance(item, str | int):
                raise FieldError(f"{where}: expected text, got {_kind(item)}")
            if allowed is not None and item not in allowed:
                raise FieldError(f"{where}: {unknown_name_message('value', str(item), allowed)}")
            found.append(str(item))
        return found

    def items(self, name: str, allowed: Collection[str]) -> Iterator[Fields]:
        """Each mapping of the list at `name`, as Fields of its own."""
        value = self._get(name, [])
        if not isinstance(value, list):
            raise self.fail(name, f"expected a list, got {_kind(value)}")
        for index, item in enumerate(value):
            yield Fields(f"{self.at(name)}[{index}]", item, allowed)

    def mapping(self, name: str, allowed: Collection[str]) -> Fields:
        """The mapping at `name` (empty when absent), its keys limited to `allowed`."""
        return Fields(self.at(name), self._get(name, {}), allowed)

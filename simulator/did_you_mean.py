"""The one wording for a name the sandbox does not know: a fixture key, a setting, a variable."""

from __future__ import annotations

import difflib
from collections.abc import Collection

__all__ = ["closest", "unknown_name_message"]


def closest(name: str, valid: Collection[str]) -> str | None:
    found = difflib.get_close_matches(name, list(valid), n=1, cutoff=0.6)
    return found[0] if found else None


def unknown_name_message(kind: str, name: str, valid: Collection[str]) -> str:
    """`unknown field 'tempaltes' (did you mean 'templates'?); valid: active, api_keys, ...`"""
    near = closest(name, valid)
    hint = f" (did you mean {near!r}?)" if near else ""
    return f"unknown {kind} {name!r}{hint}; valid: {', '.join(sorted(valid))}"

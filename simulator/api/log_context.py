"""The request's fields on every log line, bound without structlog's per-request walk.

structlog keeps one ContextVar per bound key. `clear_contextvars()` walks the whole
context and `bind_contextvars()` builds each variable's name anew: together they cost
more than the rest of a request's edge work. Here every key bound during a request goes
through `bind`, which remembers its variable, so `start_request` can unbind exactly
those (Ellipsis is structlog's "unbound") and set the request's own fields directly.
"""

from __future__ import annotations

import contextvars
from typing import Any

import structlog

__all__ = ["bind", "bind_principal", "start_request"]

_VARIABLES: dict[str, contextvars.ContextVar[Any]] = {}


def _variable(name: str) -> contextvars.ContextVar[Any]:
    found = _VARIABLES.get(name)
    if found is None:
        # binding once makes structlog create (and then always reuse) the key's variable
        token = structlog.contextvars.bind_contextvars(**{name: ...})[name]
        found = _VARIABLES[name] = token.var
    return found


_REQUEST_ID, _METHOD, _PATH, _SERVICE_ID, _KEY_TYPE = (
    _variable(name) for name in ("request_id", "method", "path", "service_id", "key_type")
)
_OWN = frozenset({_REQUEST_ID, _METHOD, _PATH})


def bind(**facts: Any) -> None:
    """Add facts to every log line of this request (and only this request)."""
    for name, value in facts.items():
        _variable(name).set(value)


def start_request(request_id: str, method: str, path: str) -> None:
    """A keep-alive connection serves many requests in one task: each starts clean."""
    for variable in _VARIABLES.values():
        if variable not in _OWN:
            variable.set(...)
    _REQUEST_ID.set(request_id)
    _METHOD.set(method)
    _PATH.set(path)


def bind_principal(service_id: str, key_type: str) -> None:
    _SERVICE_ID.set(service_id)
    _KEY_TYPE.set(key_type)

"""Reading typed values out of a provider's settings mapping.

Settings come from TOML (typed) or environment variables (all strings), so numbers and
booleans are accepted in either form. Every error names the provider and the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "optional_str",
    "provider_name",
    "read_bool",
    "read_float",
    "read_int",
    "require_str",
]

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def provider_name(settings: Mapping[str, Any], default: str) -> str:
    """The configured provider name (the registry passes it as ``name``), else the kind."""
    return optional_str(settings, "name", default) or default


def require_str(settings: Mapping[str, Any], key: str, provider: str) -> str:
    value = optional_str(settings, key, None, provider=provider)
    if not value:
        raise ValueError(f"provider {provider!r}: setting {key!r} is required")
    return value


def optional_str(
    settings: Mapping[str, Any], key: str, default: str | None, *, provider: str = "?"
) -> str | None:
    value = settings.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise ValueError(f"provider {provider!r}: setting {key!r} must be a string")
    return value


def read_bool(settings: Mapping[str, Any], key: str, default: bool, provider: str) -> bool:
    value = settings.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"provider {provider!r}: setting {key!r} must be true or false")


def read_float(settings: Mapping[str, Any], key: str, default: float, provider: str) -> float:
    value = settings.get(key)
    if value is None:
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"provider {provider!r}: setting {key!r} must be a number") from None
    if number <= 0:
        raise ValueError(f"provider {provider!r}: setting {key!r} must be positive")
    return number


def read_int(settings: Mapping[str, Any], key: str, default: int, provider: str) -> int:
    value = settings.get(key)
    if value is None:
        return default
    if isinstance(value, bool):  # bool is an int subclass; True is not a port
        raise ValueError(f"provider {provider!r}: setting {key!r} must be an integer")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"provider {provider!r}: setting {key!r} must be an integer") from None

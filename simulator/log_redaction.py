"""The last step before a log line is written: anything shaped like a credential is masked.

Events are written with masked values already (recipients, key ids); this catches what
slips through, such as a library's message quoting a request: JWTs, bearer tokens and
Notify API keys (name-serviceid-secret) keep a short prefix and lose the rest.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any

__all__ = ["redact_secrets", "redact_text"]

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*")
_BEARER = re.compile(r"(?i)(bearer|apikey-v1|basic)\s+([^\s\"',;]{6})[^\s\"',;]*")
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_API_KEY = re.compile(rf"({_UUID})-{_UUID}", re.IGNORECASE)
# set by the log chain itself, never from a request
_OWN_FIELDS = frozenset({"timestamp", "level"})


def redact_text(text: str) -> str:
    if len(text) < 20:
        return text
    # each substitution only where it could match (a string test is far cheaper than a
    # regex scan, and nearly every value has nothing to mask): a bearer word needs
    # whitespace, which is a space or a character isprintable() refuses; a key, 9 hyphens
    if " " in text or not text.isprintable():
        text = _BEARER.sub(r"\1 \2…[redacted]", text)
    if "eyJ" in text:
        text = _JWT.sub("eyJ…[redacted]", text)
    if text.count("-") >= 9:
        text = _API_KEY.sub(r"\1-[redacted]", text)
    return text


def redact_secrets(
    logger: object, method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: every string value of the event, the rendered traceback too."""
    for name, value in event.items():
        if isinstance(value, str) and name not in _OWN_FIELDS:
            event[name] = redact_text(value)
    return event

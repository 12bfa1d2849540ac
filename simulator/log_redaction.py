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


def redact_text(text: str) -> str:
    if len(text) < 20:
        return text
    text = _BEARER.sub(r"\1 \2…[redacted]", text)
    text = _JWT.sub("eyJ…[redacted]", text)
    return _API_KEY.sub(r"\1-[redacted]", text)


def redact_secrets(
    logger: object, method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: every string value of the event, the rendered traceback too."""
    for name, value in event.items():
        if isinstance(value, str):
            event[name] = redact_text(value)
    return event

"""The one check that text from a request can be stored: no lone surrogates anywhere.

Python's JSON reader accepts ``"\\ud800"`` and aiohttp decodes header bytes that are not UTF-8
into surrogate escapes. Neither can be encoded again, so left alone they fail later, after a
write (SQLite, orjson, the SMS encoder). Bodies are refused at parsing; headers are read the
way WSGI reads them (latin-1), so a garbled token gets Notify's own answer, not a 500.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from multidict import CIMultiDict

__all__ = ["has_unstorable_text", "readable_headers"]

_SURROGATE = re.compile("[\ud800-\udfff]")
# a JSON escape that may decode to a lone surrogate; absent from almost every body
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _unstorable(text: str) -> bool:
    return not text.isascii() and _SURROGATE.search(text) is not None


def has_unstorable_text(raw: bytes, value: Any) -> bool:
    """True when the parsed JSON `value` holds a string no encoder can write."""
    if _SURROGATE_ESCAPE.search(raw) is None:
        return False
    pending = [value]
    while pending:  # a loop, not recursion: the body may be nested as deep as json allows
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _as_latin1(value: str) -> str:
    return value.encode("utf-8", "surrogateescape").decode("latin-1")


def readable_headers(request: web.Request) -> web.Request:
    """Headers with bytes that are not UTF-8 are reread as latin-1, as Notify's WSGI does."""
    headers = request.headers
    if all(not _unstorable(value) for value in headers.values()):
        return request
    clean = CIMultiDict((name, _as_latin1(value)) for name, value in headers.items())
    return request.clone(headers=clean)

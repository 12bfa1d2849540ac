"""JSON in and out, the way Notify's Flask app writes it.

Output is compact with sorted keys and ASCII-escaped (Flask's defaults), served
as `application/json` without a charset.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from aiohttp import web

from simulator.api.text_guard import has_unstorable_text

__all__ = ["is_json_type", "is_not_json", "json_bytes", "json_response", "parse_json_body"]

_NOT_JSON = object()


def json_bytes(payload: Any) -> bytes:
    try:
        out = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        # a lone surrogate stored before the edge refused them: json escapes it; a read
        # of an old poisoned row answers instead of failing
        out = b""
    if out and out.isascii():
        return out
    # Flask escapes non-ASCII; match it byte for byte
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def json_response(
    payload: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        body=json_bytes(payload),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def parse_json_body(raw: bytes) -> Any:
    """The parsed body, or `_NOT_JSON`. Falsy JSON (null, [], {}, 0, "") becomes {}.

    Text that cannot be stored (a lone surrogate) makes the body not JSON, as I-JSON
    (RFC 7493) says, so it is refused before anything is written.
    """
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _NOT_JSON
    if has_unstorable_text(raw, value):
        return _NOT_JSON
    return value if value else {}


def is_not_json(value: Any) -> bool:
    return value is _NOT_JSON


def is_json_type(mimetype: str) -> bool:
    """werkzeug's is_json: application/json or any application/*+json."""
    mimetype = mimetype.lower()
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )

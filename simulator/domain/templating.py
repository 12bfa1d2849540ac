"""Notify's placeholder language: ``((name))``, ``((name??text))`` and list values.

Pure domain code (stdlib only). The rules are the facts of NOTIFY_CONTRACT.md section 9.1, read from
notifications-utils ``field.py``, ``insensitive_dict.py`` and ``formatters.py``; the code is ours.

The small text helpers at the bottom (HTML escaping, whitespace normalisation) are shared by
:mod:`simulator.domain.sms` and :mod:`simulator.domain.email_render`.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

__all__ = [
    "OBSCURE_ZERO_WIDTH_WHITESPACE",
    "Placeholder",
    "escape_html",
    "fill",
    "is_truthy",
    "missing_personalisation",
    "normalise_key",
    "normalise_whitespace",
    "normalise_whitespace_and_newlines",
    "placeholder_schema",
    "placeholders",
    "remove_whitespace_before_punctuation",
]

ListStyle = Literal["sms", "markdown"]

# A placeholder body is any run of characters without brackets: "((a(b))" holds none.
PLACEHOLDER_RE = re.compile(r"\(\(([^()]+)\)\)")
_CONDITIONAL = "??"
_KEY_TABLE = str.maketrans("", "", " _-")  # InsensitiveDict drops these before lower-casing
_TRUTHY = frozenset({"yes", "y", "true", "t", "1", "include", "show"})

OBSCURE_ZERO_WIDTH_WHITESPACE = "\u180e\u200b\u200c\u200d\u2060\ufeff\u2028\u2029"
_OBSCURE_FULL_WIDTH_WHITESPACE = "\u00a0\u202f"
_DROP_OBSCURE = str.maketrans(
    "", "", OBSCURE_ZERO_WIDTH_WHITESPACE + _OBSCURE_FULL_WIDTH_WHITESPACE
)
_WIDEN_OBSCURE = str.maketrans(
    {
        **{c: " " for c in _OBSCURE_FULL_WIDTH_WHITESPACE},
        **dict.fromkeys(OBSCURE_ZERO_WIDTH_WHITESPACE),
    }
)
# Only the first blank before a comma or full stop starts a match, so the whole run goes.
_SPACE_BEFORE_PUNCTUATION = re.compile(r"(?<![ \t])[ \t]+([,.])")
# Notify's strict charref: a trailing semicolon is required, so "&amp" stays literal text.
_CHARREF = re.compile(r"&(#[0-9]+;|#[xX][0-9a-fA-F]+;|[^\t\n\f <&#;]{1,32};)")
# Entities Notify keeps verbatim while unescaping (so "&amp;lt;" never becomes "<").
_KEPT_ENTITIES = (("&nbsp;", "\ue000nbsp\ue000"), ("&amp;", "\ue000amp\ue000"))


@dataclass(frozen=True, slots=True)
class Placeholder:
    """One ``((...))`` occurrence: ``((name??text))`` has ``conditional_text="text"``."""

    name: str
    conditional_text: str | None

    @classmethod
    def parse(cls, body: str) -> Placeholder:
        """Split a placeholder body; everything after the first ``??`` is the conditional text."""
        if _CONDITIONAL not in body:
            return cls(body, None)
        name, _, text = body.partition(_CONDITIONAL)
        return cls(name, text)


def normalise_key(key: str) -> str:
    """Notify's key rule: spaces, ``_`` and ``-`` removed, then lower-cased."""
    return key.translate(_KEY_TABLE).lower()


@lru_cache(maxsize=2048)
def _parsed(text: str) -> tuple[Placeholder, ...]:
    # Template texts repeat on every send; parse each one once.
    return tuple(Placeholder.parse(body) for body in PLACEHOLDER_RE.findall(text))


def placeholders(*texts: str) -> list[str]:
    """Distinct placeholder names across ``texts`` in order; the first spelling of a key wins."""
    seen: dict[str, str] = {}
    for text in texts:
        for placeholder in _parsed(text):
            seen.setdefault(normalise_key(placeholder.name), placeholder.name)
    return list(seen.values())


def placeholder_schema(*texts: str) -> dict[str, dict[str, bool]]:
    """The ``personalisation`` object of ``GET /v2/template/{id}``."""
    return {name: {"required": True} for name in placeholders(*texts)}


def _lookup(personalisation: Mapping[str, object], *, escape: bool = False) -> dict[str, object]:
    # Later keys win when two spellings normalise alike, as with InsensitiveDict.
    if escape:
        return {normalise_key(escape_html(k)): v for k, v in personalisation.items()}
    return {normalise_key(k): v for k, v in personalisation.items()}


def missing_personalisation(personalisation: Mapping[str, object], *texts: str) -> list[str]:
    """Placeholder names (template spelling and order) whose value is absent or ``None``."""
    values = _lookup(personalisation)
    return [name for name in placeholders(*texts) if values.get(normalise_key(name)) is None]


def is_truthy(value: object) -> bool:
    """Whether a value shows the text of ``((name??text))`` (Notify's ``str2bool``)."""
    return bool(value) and str(value).lower() in _TRUTHY


def _list_items(values: list[object]) -> list[str]:
    items = (
        str(v).translate(_DROP_OBSCURE).strip(string.whitespace) for v in values if v is not None
    )
    return [item for item in items if item]


def _join(items: list[str], list_style: ListStyle) -> str:
    if list_style == "markdown":
        return "\n\n" + "\n".join(f"* {item}" for item in items)
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _render_value(value: object, list_style: ListStyle, escape: bool) -> str:
    if isinstance(value, list):
        items = _list_items(value)
        if not items:
            return ""
        text = _join(items, list_style)
    else:
        text = str(value)  # True -> "True", 1.5 -> "1.5", as Python's str() does in Notify
    return escape_html(text) if escape else text


def fill(
    text: str,
    personalisation: Mapping[str, object],
    *,
    list_style: ListStyle,
    escape_html: bool = False,
) -> str:
    """Replace each placeholder in ``text`` with its value; missing ones are left as written.

    ``escape_html=True`` escapes the template's own text as well as the values, as Notify does
    before rendering HTML email (so a literal ``<b>`` in a template is shown, not obeyed).
    """
    source = _escape(text) if escape_html else text
    if "((" not in source:
        return source
    values = _lookup(personalisation, escape=escape_html)

    def replace(match: re.Match[str]) -> str:
        placeholder = Placeholder.parse(match.group(1))
        value = values.get(normalise_key(placeholder.name))
        if value is None:
            return match.group(0)
        rendered = _render_value(value, list_style, escape_html)
        if placeholder.conditional_text is None:
            return rendered
        # The decision is taken on the rendered value, so ["yes"] is truthy in SMS style only.
        return placeholder.conditional_text if is_truthy(rendered) else ""

    return PLACEHOLDER_RE.sub(replace, source)


def _unescape_strict(value: str) -> str:
    return _CHARREF.sub(lambda m: html.unescape(m.group(0)), value) if "&" in value else value


def escape_html(value: str) -> str:
    """Notify's ``escape_html``: decode entities (not ``&nbsp;``/``&amp;``), escape ``&<>``."""
    if not value:
        return value
    for entity, token in _KEPT_ENTITIES:
        value = value.replace(entity, token)
    value = html.escape(_unescape_strict(value), quote=False)
    for entity, token in _KEPT_ENTITIES:
        value = value.replace(token, entity)
    return value


_escape = escape_html  # ``fill`` shadows the name with its keyword argument


def remove_whitespace_before_punctuation(value: str) -> str:
    """``"a , b ."`` -> ``"a, b."`` (spaces and tabs before commas and full stops only)."""
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", value)


def normalise_whitespace(value: str) -> str:
    """Strip, collapse inner whitespace to one space, drop zero-width characters."""
    return " ".join(value.translate(_WIDEN_OBSCURE).split())


def normalise_whitespace_and_newlines(value: str) -> str:
    """Normalise each line on its own (``splitlines`` also splits on ``\\r``, ``\\x0b`` etc.)."""
    return "\n".join(normalise_whitespace(line) for line in value.splitlines())

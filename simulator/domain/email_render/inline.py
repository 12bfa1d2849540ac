"""Notify markdown's inline parts: escapes, links, autolinks and line breaks.

As the inline rules notifications-utils keeps in ``markdown.py`` (images are dropped,
no emphasis); the parser is ours. Renderers turn the tokens into HTML or plain text.
"""

from __future__ import annotations

import html
import re
import string
from dataclasses import dataclass
from urllib.parse import quote

__all__ = ["Auto", "Break", "Inline", "Link", "Text", "escape_text", "parse_inline"]

_INLINE = re.compile(
    r"(?P<escape>(?:\\[" + re.escape(string.punctuation.replace("<", "")) + r"])+)"
    r"|(?P<link>!?\[)"
    r"|(?P<url>https?://[^\s<]+[^<.,:\"')\]\s])"
    r"|(?P<angle><[A-Za-z][A-Za-z0-9.+-]{1,31}:[^<>\x00-\x20]*>)"
    r"|(?P<email><[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?>)"
    r"|(?P<br> *\n\s*)"
)
_UNESCAPE_CHAR = re.compile(r"\\([" + re.escape(string.punctuation) + r"])")
_LINK_LABEL = re.compile(r"(?:[^\\\[\]]|\\.){0,500}\]")
_LINK_TITLE = re.compile(
    r"[ \t\n]+(\"(?:\\[" + re.escape(string.punctuation) + r"]|[^\"\\\x00])*\""
    r"|'(?:\\[" + re.escape(string.punctuation) + r"]|[^'\\\x00])*')"
)
_BARE_AMPERSAND = re.compile(r"&(?!#[0-9]{1,7};|#[xX][0-9a-fA-F]+;|[^\t\n\f <&#;]{1,32};)")
_CHARREF = re.compile(r"&(#[0-9]{1,7};|#[xX][0-9a-fA-F]+;|[^\t\n\f <&#;]{1,32};)")
_ASCII_SPACE = frozenset(" \t\n\r\f\v")
_BRACKET = re.compile(r"(?<!\\)(?:\\\\)*[\[\]]")  # an unescaped "[" or "]"
_HREF_START = re.compile(r"[ \t]*\n?[ \t]*")


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Break:
    pass


@dataclass(frozen=True, slots=True)
class Auto:
    address: str
    is_email: bool


@dataclass(frozen=True, slots=True)
class Link:
    children: list[Inline]
    url: str
    title: str | None


Inline = Text | Break | Auto | Link


def parse_inline(src: str, *, in_link: bool = False) -> list[Inline]:
    tokens: list[Inline] = []
    pos = 0
    while match := _INLINE.search(src, pos):
        if match.start() > pos:
            tokens.append(Text(src[pos : match.start()]))
        end = _inline_token(src, match, tokens, in_link)
        if end is None:  # not what it looked like: keep one character as text and move on
            tokens.append(Text(src[match.start()]))
            end = match.start() + 1
        pos = end
    if pos < len(src):
        tokens.append(Text(src[pos:]))
    return tokens


def _inline_token(src: str, match: re.Match[str], out: list[Inline], in_link: bool) -> int | None:
    kind, value = match.lastgroup, match.group(0)
    if kind == "escape":
        out.append(Text(_UNESCAPE_CHAR.sub(r"\1", value)))
    elif kind == "br":
        out.append(Break())
    elif in_link and kind != "link":
        out.append(Text(value))  # no links inside link text
    elif kind == "link":
        return None if in_link and value == "[" else _link(src, match, out)
    else:
        address = value if kind == "url" else value[1:-1]
        out.append(Auto(address, kind == "email"))
    return match.end()


def _link_text(src: str, pos: int) -> tuple[str, int] | None:
    if label := _LINK_LABEL.match(src, pos):
        return label.group(0)[:-1], label.end()
    depth, start = 1, pos
    while bracket := _BRACKET.search(src, pos):
        pos = bracket.end()
        depth += 1 if bracket.group(0)[-1] == "[" else -1
        if depth == 0:
            return (src[start : pos - 1], pos) if pos < len(src) else None
    return None


def _link(src: str, match: re.Match[str], out: list[Inline]) -> int | None:
    found = _link_text(src, match.end())
    if found is None or found[1] >= len(src) or src[found[1]] != "(":
        return None
    target = _link_target(src, found[1] + 1)
    if target is None:
        return None
    url, title, end = target
    if not match.group(0).startswith("!"):  # images are dropped entirely
        out.append(Link(parse_inline(found[0], in_link=True), url, title))
    return end


def _href_end(src: str, pos: int) -> int | None:
    # Notify's href scan: stops at blanks outside a <tag>, balances brackets, honours "\".
    depth, in_tag = 0, False
    while pos < len(src):
        char = src[pos]
        if char == "\\":
            pos += 2
            continue
        if char == "\x00":
            return None
        if (char in _ASCII_SPACE and not in_tag) or (char == ")" and depth == 0):
            break
        in_tag = True if char == "<" else False if char == ">" else in_tag
        depth += 1 if char == "(" else -1 if char == ")" else 0
        pos += 1
    return min(pos, len(src)) if depth == 0 else None


def _link_target(src: str, pos: int) -> tuple[str, str | None, int] | None:
    start = _HREF_START.match(src, pos)
    assert start is not None  # callers only come here where the pattern starts
    pos = start.end()
    end = _href_end(src, pos)
    if end is None or end == pos:
        return None
    href = src[pos:end]
    title_match = _LINK_TITLE.match(src, end)
    close = title_match.end() if title_match else end
    while close < len(src) and src[close] in _ASCII_SPACE:
        close += 1
    if close >= len(src) or src[close] != ")":
        return None
    title = _UNESCAPE_CHAR.sub(r"\1", title_match.group(1)[1:-1]) if title_match else None
    url = href if "<" in href else _escape_url(_UNESCAPE_CHAR.sub(r"\1", href))
    return url, title, close + 1


def _escape_url(link: str) -> str:
    unescaped = _CHARREF.sub(lambda m: html.unescape(m.group(0)), link)
    return quote(unescaped, safe=":/?#@!$&()*+,;=%").replace("&", "&amp;")


def escape_text(text: str) -> str:
    return _BARE_AMPERSAND.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")

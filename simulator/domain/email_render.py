"""Email rendering: subject typography, the API body, Notify-markdown HTML and plain text.

Pure domain code (the stdlib, and smartypants for quotes as Notify uses it). Facts from
NOTIFY_CONTRACT.md sections 3.2 and 9, checked against
notifications-utils ``template.py`` (``PlainTextEmailTemplate``, ``HTMLEmailTemplate``),
``markdown.py`` (renderer output and inline styles), ``formatters.py`` and its tests; quotes
are made smart by the ``smartypants`` package, as Notify does. The code is ours: a small parser for
the subset of Markdown Notify supports, not mistune.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote

import smartypants

from simulator.domain import block_tags
from simulator.domain.templating import fill, normalise_whitespace
from simulator.domain.templating import remove_whitespace_before_punctuation as _space_punct

__all__ = [
    "EMAIL_MAX_BYTES",
    "email_body",
    "email_html",
    "email_plain_text",
    "email_subject",
]

# UTF-8 bytes of the filled body, as BaseEmailTemplate.is_message_too_long.
EMAIL_MAX_BYTES = 2_000_000

# --- typography (do_nice_typography) -------------------------------------------------------------

# Notify's make_quotes_smart (notifications-utils formatters.py): smartypants with quotes
# only (Attr.q) and characters rather than entities (Attr.u); links are left alone too.
smartypants.tags_to_skip = [*smartypants.tags_to_skip, "a"]
_SMART_QUOTES = smartypants.Attr.q | smartypants.Attr.u
_EMAIL_WITH_QUOTES = re.compile(r"(^|\s)\S+@\S+(\s|$)", re.M)
_SPACED_HYPHEN = re.compile(r"(?<!\s)\s+[-–—]{1,3}\s+")


def _smart_quotes(text: str) -> str:
    smart: str = smartypants.smartypants(text, _SMART_QUOTES)
    return smart


def _straighten_email_quotes(match: re.Match[str]) -> str:
    return match.group(0).replace("‘", "'").replace("’", "'")


def _nice_typography(value: str) -> str:
    value = _smart_quotes(_space_punct(value))
    value = _EMAIL_WITH_QUOTES.sub(_straighten_email_quotes, value)
    return _SPACED_HYPHEN.sub(" – ", value)


# --- public: subject and API body ----------------------------------------------------------------


def email_subject(
    subject_template: str, personalisation: Mapping[str, object], *, escape_html: bool = False
) -> str:
    """The filled subject after smart quotes, en dashes and whitespace normalisation.

    ``escape_html``: a letter's subject, which notifications-utils fills with html="escape".
    """
    filled = fill(subject_template, personalisation, list_style="sms", escape_html=escape_html)
    return normalise_whitespace(_nice_typography(filled))


def email_body(body_template: str, personalisation: Mapping[str, object]) -> str:
    """The API ``content.body``: raw markdown with values in, outer whitespace stripped."""
    return fill(body_template, personalisation, list_style="markdown").strip()


# --- Notify markdown: blocks ---------------------------------------------------------------------

_BLANK = re.compile(r"^[ \t]*$")
_FENCE = re.compile(r"^( {0,3})(`{3,}(?!.*`)|~{3,})")
_INDENTED = re.compile(r"^(?: {4}| *\t)")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?!#)([ \t]*.*?)$")  # "#heading" needs no space
_ATX_CLOSING = re.compile(r"[ \t]+#+[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}((?:-[ \t]*){3,}|(?:_[ \t]*){3,}|(?:\*[ \t]*){3,})$")
_QUOTE_START = re.compile(r"^ {0,3}\^.")  # "^" marks inset text; ">" means nothing
_QUOTE_LINE = re.compile(r"^ *\^.")
_QUOTE_MARK = re.compile(r"^ *\^ ?", re.M)
_PLUS = re.compile(r"^ {0,3}\+")  # "+" is not a bullet but still starts a new paragraph
_LIST = re.compile(r"^( {0,3})([•*-]|\d{1,9}\.)([ \t]*.*)$")  # no space needed after a marker
_TABLE_ALIGN = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_TRAILING_BLANKS = re.compile(r"\n\s+$")
_LEADING_TAB = re.compile(r"^( {0,3})\t")
_CODE_INDENT = re.compile(r"^ {1,4}")


@dataclass(slots=True)
class _Block:
    kind: str  # p, text (tight list paragraph), h, hr, quote, list, code, blank
    text: str = ""
    level: int = 0
    ordered: bool = False
    children: list[_Block] = field(default_factory=list)
    items: list[list[_Block]] = field(default_factory=list)


def _parse_blocks(text: str) -> list[_Block]:
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    blocks: list[_Block] = []
    i = 0
    while i < len(lines):
        i = _parse_block(lines, i, blocks)
    return blocks


def _parse_block(lines: list[str], i: int, out: list[_Block]) -> int:
    line = lines[i]
    if _BLANK.match(line):
        out.append(_Block("blank"))
        return i + 1
    if fence := _FENCE.match(line):
        return _fenced_code(lines, i, out, fence)
    if _INDENTED.match(line):
        return _indented_code(lines, i, out)
    if heading := _ATX.match(line):
        text = _ATX_CLOSING.sub("", heading.group(2).strip())
        out.append(_Block("h", text, level=len(heading.group(1))))
        return i + 1
    if _RULE.match(line):
        out.append(_Block("hr"))
        return i + 1
    if _QUOTE_START.match(line):
        return _quote(lines, i, out)
    if _is_table(lines, i):
        return _skip_table(lines, i)
    if item := _LIST.match(line):
        return _list(lines, i, out, item)
    return _paragraph(lines, i, out)


def _expand_leading_tab(line: str) -> str:
    return _LEADING_TAB.sub(lambda m: m.group(1) + " " * (4 - len(m.group(1))), line)


def _interrupts_paragraph(lines: list[str], i: int) -> bool:
    line = lines[i]
    if any(p.match(line) for p in (_FENCE, _ATX, _RULE, _QUOTE_START, _PLUS)):
        return True
    if item := _LIST.match(line):
        # An empty item, or a numbered one not starting at 1, reads as paragraph text.
        marker = item.group(2)
        return bool(item.group(3).strip()) and (len(marker) == 1 or int(marker[:-1]) == 1)
    return _is_table(lines, i)


def _paragraph(lines: list[str], i: int, out: list[_Block]) -> int:
    buffer = [lines[i]]
    i += 1
    while i < len(lines) and not _BLANK.match(lines[i]):
        if underline := _SETEXT.match(lines[i]):
            level = 1 if underline.group(1)[0] == "=" else 2
            out.append(_Block("h", "\n".join(buffer), level=level))
            return i + 1
        if _interrupts_paragraph(lines, i):
            break
        buffer.append(lines[i])
        i += 1
    out.append(_Block("p", "\n".join(buffer)))
    return i


def _fenced_code(lines: list[str], i: int, out: list[_Block], fence: re.Match[str]) -> int:
    indent, marker = len(fence.group(1)), fence.group(2)
    closing = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
    body: list[str] = []
    i += 1
    while i < len(lines) and not closing.match(lines[i]):
        line = lines[i]
        body.append(line[min(indent, len(line) - len(line.lstrip(" "))) :])
        i += 1
    out.append(_Block("code", "\n".join(body)))
    return i + 1


def _indented_code(lines: list[str], i: int, out: list[_Block]) -> int:
    end = i
    while end < len(lines) and (_INDENTED.match(lines[end]) or lines[end] == ""):
        end += 1
    while lines[end - 1] == "":  # trailing empty lines belong to what follows
        end -= 1
    body = (_CODE_INDENT.sub("", _expand_leading_tab(line)) for line in lines[i:end])
    out.append(_Block("code", "\n".join(body).strip("\n")))
    return end


def _quote(lines: list[str], i: int, out: list[_Block]) -> int:
    body: list[str] = []
    while i < len(lines) and _QUOTE_LINE.match(lines[i]):
        body.append(lines[i])
        i += 1
        while i < len(lines) and lines[i] != "":  # lazy lines: anything not empty
            body.append(lines[i])
            i += 1
        while i < len(lines) and lines[i] == "":
            body.append("")
            i += 1
    out.append(_Block("quote", children=_parse_blocks(_QUOTE_MARK.sub("", "\n".join(body)))))
    return i


def _cells(line: str) -> int:
    row = line.strip()
    return row.removeprefix("|").removesuffix("|").count("|") + 1


def _is_table(lines: list[str], i: int) -> bool:
    if i + 1 >= len(lines) or "|" not in lines[i] or "|" not in lines[i + 1]:
        return False
    return bool(_TABLE_ALIGN.match(lines[i + 1])) and _cells(lines[i]) == _cells(lines[i + 1])


def _skip_table(lines: list[str], i: int) -> int:
    # Notify renders tables as nothing at all.
    i += 2
    while i < len(lines) and "|" in lines[i] and not _BLANK.match(lines[i]):
        i += 1
    return i


# --- Notify markdown: lists ----------------------------------------------------------------------


def _bullet_pattern(marker: str) -> str:
    # A list continues only with its own kind of marker; "." alone continues a numbered list.
    return r"\d{0,9}\." if len(marker) > 1 else re.escape(marker)


@lru_cache(maxsize=64)
def _sibling_pattern(max_indent: int, bullet: str) -> re.Pattern[str]:
    return re.compile(rf"^( {{0,{max_indent}}})({bullet})([ \t]*.*)$")


def _first_line(rest: str) -> str:
    text = rest.lstrip(" \t")
    if not text:
        return ""
    lead = rest[: len(rest) - len(text)].expandtabs(4)
    # Five or more spaces after the marker: one is the separator, the rest make indented code.
    return (lead[1:] if len(lead) >= 5 else "") + text + "\n"


def _interrupts_list(line: str) -> bool:
    return any(p.match(line) for p in (_RULE, _FENCE, _ATX, _QUOTE_START, _LIST))


@dataclass(slots=True)
class _Item:
    blocks: list[_Block]
    next_groups: tuple[str, ...] | None
    gap_before_next: bool


def _list_item(lines: list[str], i: int, groups: tuple[str, ...], bullet: str) -> tuple[int, _Item]:
    spaces, marker, rest = groups
    width = len(spaces) + len(marker)  # Notify: continuation lines need only the marker's width
    first, indent = _first_line(rest), " " * width
    sibling = _sibling_pattern(min(width, 3), bullet)
    src: list[str] = []
    blank = False
    while i < len(lines):
        line = lines[i]
        if _BLANK.match(line):
            src.append("")
            blank, i = True, i + 1
            continue
        line = _expand_leading_tab(line)
        if line.startswith(indent):
            if blank and not first and not "".join(src).strip():
                break  # an item may start with at most one blank line
            src.append(line[width:])
            blank, i = False, i + 1
            continue
        if not _RULE.match(line) and (match := sibling.match(line)):
            return i + 1, _Item(_item_blocks(first, src), match.groups(), blank)
        if blank or _interrupts_list(line):
            break
        src.append(line)  # lazy continuation
        i += 1
    return i, _Item(_item_blocks(first, src), None, False)


def _item_blocks(first: str, src: list[str]) -> list[_Block]:
    return _parse_blocks(_TRAILING_BLANKS.sub("\n", first + "\n".join(src)))


def _is_loose(blocks: list[_Block]) -> bool:
    kinds = [b.kind for b in blocks]
    return "blank" in kinds or kinds.count("p") > 1


def _list(lines: list[str], i: int, out: list[_Block], match: re.Match[str]) -> int:
    groups: tuple[str, ...] | None = match.groups()
    marker = match.group(2)
    bullet, tight = _bullet_pattern(marker), True
    items: list[list[_Block]] = []
    i += 1
    while groups:
        i, item = _list_item(lines, i, groups, bullet)
        items.append(item.blocks)
        tight = tight and not item.gap_before_next and not _is_loose(item.blocks)
        groups = item.next_groups
    if tight:  # tight items hold bare text, not paragraphs
        for blocks in items:
            for block in blocks:
                block.kind = "text" if block.kind == "p" else block.kind
    out.append(_Block("list", ordered=len(marker) > 1, items=items))
    return i


# --- Notify markdown: inline ---------------------------------------------------------------------

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
_PROTOCOLS = ("ftp:", "file:", "http:", "https:", "mailto:", "tel:")
_ASCII_SPACE = frozenset(" \t\n\r\f\v")
_BRACKET = re.compile(r"(?<!\\)(?:\\\\)*[\[\]]")  # an unescaped "[" or "]"
_HREF_START = re.compile(r"[ \t]*\n?[ \t]*")


@dataclass(frozen=True, slots=True)
class _Text:
    text: str


@dataclass(frozen=True, slots=True)
class _Break:
    pass


@dataclass(frozen=True, slots=True)
class _Auto:
    address: str
    is_email: bool


@dataclass(frozen=True, slots=True)
class _Link:
    children: list[_Inline]
    url: str
    title: str | None


_Inline = _Text | _Break | _Auto | _Link


def _inline(src: str, *, in_link: bool = False) -> list[_Inline]:
    tokens: list[_Inline] = []
    pos = 0
    while match := _INLINE.search(src, pos):
        if match.start() > pos:
            tokens.append(_Text(src[pos : match.start()]))
        end = _inline_token(src, match, tokens, in_link)
        if end is None:  # not what it looked like: keep one character as text and move on
            tokens.append(_Text(src[match.start()]))
            end = match.start() + 1
        pos = end
    if pos < len(src):
        tokens.append(_Text(src[pos:]))
    return tokens


def _inline_token(src: str, match: re.Match[str], out: list[_Inline], in_link: bool) -> int | None:
    kind, value = match.lastgroup, match.group(0)
    if kind == "escape":
        out.append(_Text(_UNESCAPE_CHAR.sub(r"\1", value)))
    elif kind == "br":
        out.append(_Break())
    elif in_link and kind != "link":
        out.append(_Text(value))  # no links inside link text
    elif kind == "link":
        return None if in_link and value == "[" else _link(src, match, out)
    else:
        address = value if kind == "url" else value[1:-1]
        out.append(_Auto(address, kind == "email"))
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


def _link(src: str, match: re.Match[str], out: list[_Inline]) -> int | None:
    found = _link_text(src, match.end())
    if found is None or found[1] >= len(src) or src[found[1]] != "(":
        return None
    target = _link_target(src, found[1] + 1)
    if target is None:
        return None
    url, title, end = target
    if not match.group(0).startswith("!"):  # images are dropped entirely
        out.append(_Link(_inline(found[0], in_link=True), url, title))
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


def _escape_text(text: str) -> str:
    return _BARE_AMPERSAND.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


# --- renderers -----------------------------------------------------------------------------------

_P = '<p style="Margin: 0 0 20px 0; font-size: 19px; line-height: 25px; color: #0B0C0C;">'
_HEADING = (
    '<{tag} style="Margin: 0 0 15px 0; padding: 10px 0 0 0; font-size: {size}; '
    'line-height: {height}; font-weight: bold; color: #0B0C0C;">{text}</{tag}>'
)
_HR = '<hr style="border: 0; height: 1px; background: #B1B4B6; Margin: 30px 0 30px 0;">'
_LIST_HTML = (
    '<table role="presentation" style="padding: 0 0 20px 0;"><tr>'
    '<td style="font-family: Helvetica, Arial, sans-serif;">'
    '<{tag} style="Margin: 0 0 0 20px; padding: 0; list-style-type: {kind};">{body}</{tag}>'
    "</td></tr></table>"
)
# The missing space after "19px;" is Notify's.
_LI = (
    '<li style="Margin: 5px 0 5px; padding: 0 0 0 5px; font-size: 19px;'
    'line-height: 25px; color: #0B0C0C;">'
)
_QUOTE_HTML = (
    '<div style="Margin: 0 0 20px 0;"><blockquote style="Margin: 0; border-left: 10px solid '
    '#B1B4B6;padding: 15px 0 0.1px 15px; font-size: 19px; line-height: 25px;">{}</blockquote></div>'
)
_LINK_STYLE = "word-wrap: break-word; color: #1D70B8;"
_PLAIN_WIDTH = 65


def _anchor(link: str, text: str = "", title: str | None = None) -> str:
    text = text or link
    if not link.lower().startswith(_PROTOCOLS):
        link = f"http://{link}"
    titled = f' title="{title}"' if title else ""
    safe = quote(link, safe=":/?#=&;%")
    return f'<a style="{_LINK_STYLE}" href="{safe}"{titled}>{text}</a>'


class _HtmlRenderer:
    """Notify's email HTML: inline styles on every element, blocks joined without newlines."""

    def blocks(self, blocks: list[_Block]) -> str:
        return "".join(self.block(b) for b in blocks)

    def block(self, b: _Block) -> str:
        match b.kind:
            case "p":
                return self.paragraph(self.inline(b.text))
            case "text":
                return self.inline(b.text)
            case "h":
                return self.heading(self.inline(b.text), b.level)
            case "hr":
                return self.rule()
            case "quote":
                return self.quote(self.blocks(b.children))
            case "list":
                return self.list([self.blocks(item) for item in b.items], b.ordered)
            case "code":
                return b.text
        return ""  # blank lines

    def inline(self, text: str) -> str:
        # Block text loses outer tabs and newlines but keeps its spaces, as in Notify.
        return "".join(self.token(t) for t in _inline(text.strip("\r\n\t\f")))

    def token(self, token: _Inline) -> str:
        match token:
            case _Text(text):
                return _escape_text(text)
            case _Break():
                return self.linebreak()
            case _Auto(address, is_email):
                return self.autolink(address, is_email)
            case _Link(children, url, title):
                return self.link("".join(self.token(t) for t in children), url, title)
        return ""

    def paragraph(self, text: str) -> str:
        return f"{_P}{text}</p>" if text.strip() else ""

    def heading(self, text: str, level: int) -> str:
        if level == 1:
            return _HEADING.format(tag="h2", size="27px", height="35px", text=text)
        if level == 2:
            return _HEADING.format(tag="h3", size="19px", height="25px", text=text)
        return self.paragraph(text)

    def rule(self) -> str:
        return _HR

    def list(self, items: list[str], ordered: bool) -> str:
        body = "".join(f"{_LI}{item.strip()}</li>" for item in items)
        tag, kind = ("ol", "decimal") if ordered else ("ul", "disc")
        return _LIST_HTML.format(tag=tag, kind=kind, body=body)

    def quote(self, text: str) -> str:
        return _QUOTE_HTML.format(text)

    def linebreak(self) -> str:
        return "<br>"

    def link(self, text: str, url: str, title: str | None) -> str:
        return _anchor(url, text, title)

    def autolink(self, address: str, is_email: bool) -> str:
        return address if is_email else _anchor(address)


class _PlainRenderer(_HtmlRenderer):
    """Notify's text/plain part: underlined headings, "•" bullets, "text: url" links."""

    def paragraph(self, text: str) -> str:
        return f"\n\n{text}" if text.strip() else ""

    def heading(self, text: str, level: int) -> str:
        if level in (1, 2):
            return f"\n\n\n{text}\n{('=' if level == 1 else '-') * _PLAIN_WIDTH}"
        return self.paragraph(text)

    def rule(self) -> str:
        return self.paragraph(("=-" * _PLAIN_WIDTH)[:_PLAIN_WIDTH])

    def list(self, items: list[str], ordered: bool) -> str:
        markers = (f"{n}." if ordered else "•" for n in range(1, len(items) + 1))
        return "\n" + "".join(
            f"\n{m} {item.strip()}" for m, item in zip(markers, items, strict=True)
        )

    def quote(self, text: str) -> str:
        return text

    def linebreak(self) -> str:
        return "\n"

    def link(self, text: str, url: str, title: str | None) -> str:
        return f"{text} ({title}): {url}" if title else f"{text}: {url}"

    def autolink(self, address: str, is_email: bool) -> str:
        return address


_HTML = _HtmlRenderer()
_PLAIN = _PlainRenderer()
_GOVUK = re.compile(r"(^|\s)(#|\*|\^)?(GOV)\.(UK)(?!\/|\?|#)", re.I)
_UNSUPPORTED = str.maketrans("", "", "\u2028\u3164")
_NEWLINES = re.compile(r"\r\n?")


def _with_unsubscribe(body_template: str, unsubscribe_url: str | None) -> str:
    if not unsubscribe_url:
        return body_template
    return f"{body_template}\n\n---\n\n[Unsubscribe from these emails]({unsubscribe_url})"


def _markdown_source(filled: str) -> str:
    # A zero-width space after "GOV." stops mail clients linking "GOV.UK".
    text = _GOVUK.sub("\\1\\2\\3.\u200b\\4", filled).translate(_UNSUPPORTED)
    return _NEWLINES.sub("\n", text) + "\n"


def email_html(
    body_template: str,
    personalisation: Mapping[str, object],
    *,
    unsubscribe_url: str | None = None,
    language_blocks: bool = False,
) -> str:
    """The body HTML of the email (no wrapper document), as Notify's ``html_body``.

    ``language_blocks`` turns GC's ``[[fr]]``, ``[[en]]`` and ``[[rtl]]`` blocks into divs.
    """
    content = _with_unsubscribe(body_template, unsubscribe_url)
    filled = fill(content, personalisation, list_style="markdown", escape_html=True)
    source = _markdown_source(filled)
    if not language_blocks:
        return _nice_typography(_HTML.blocks(_parse_blocks(source)))
    rendered = _HTML.blocks(_parse_blocks(block_tags.fence_tags(source)))
    return _nice_typography(block_tags.tags_to_divs(rendered))


def email_plain_text(
    body_template: str,
    personalisation: Mapping[str, object],
    *,
    unsubscribe_url: str | None = None,
    language_blocks: bool = False,
) -> str:
    """The text/plain part, as Notify's ``PlainTextEmailTemplate``; ends with one newline."""
    content = _with_unsubscribe(body_template, unsubscribe_url)
    filled = fill(content, personalisation, list_style="markdown")
    if language_blocks:  # plain text has no divs: the markers just go
        filled = block_tags.remove_tags(filled)
    rendered = _PLAIN.blocks(_parse_blocks(_markdown_source(filled)))
    return html.unescape(_nice_typography(rendered)).lstrip() + "\n"

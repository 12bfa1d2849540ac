"""Notify's two outputs of parsed markdown: the email HTML and the text/plain part.

The inline styles are notifications-utils ``markdown.py``'s (``NotifyEmailMarkdownRenderer``,
``NotifyPlainTextEmailMarkdownRenderer``); blocks are joined without newlines, as Notify does.
"""

from __future__ import annotations

from urllib.parse import quote

from simulator.domain.email_render.blocks import Block
from simulator.domain.email_render.inline import (
    Auto,
    Break,
    Inline,
    Link,
    Text,
    escape_text,
    parse_inline,
)

__all__ = ["HTML", "PLAIN"]

_PROTOCOLS = ("ftp:", "file:", "http:", "https:", "mailto:", "tel:")
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

    def blocks(self, blocks: list[Block]) -> str:
        return "".join(self.block(b) for b in blocks)

    def block(self, b: Block) -> str:
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
        return "".join(self.token(t) for t in parse_inline(text.strip("\r\n\t\f")))

    def token(self, token: Inline) -> str:
        match token:
            case Text(text):
                return escape_text(text)
            case Break():
                return self.linebreak()
            case Auto(address, is_email):
                return self.autolink(address, is_email)
            case Link(children, url, title):
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


HTML = _HtmlRenderer()
PLAIN = _PlainRenderer()

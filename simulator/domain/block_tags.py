"""GC Notify's bilingual and right-to-left blocks in email: [[fr]], [[en]], [[rtl]] (contract 9.4).

GC (notifications-utils formatters) turns each marker into a fenced code block before
the Markdown pass, so the marker stays on its own and is output as written, then
replaces the markers in the HTML with divs. Nothing happens unless the opening and
closing markers pair up in number. The facts are GC's; the code is ours.
"""

from __future__ import annotations

import re

__all__ = ["fence_tags", "remove_tags", "tags_to_divs"]

_FR_OPEN, _FR_CLOSE = "[[fr]]", "[[/fr]]"
_EN_OPEN, _EN_CLOSE = "[[en]]", "[[/en]]"
_RTL_OPEN, _RTL_CLOSE = "[[rtl]]", "[[/rtl]]"
_ALL_TAGS = re.compile(r"\[\[/?(?:fr|en|rtl)\]\]")


def _languages_paired(text: str) -> bool:
    return text.count(_EN_OPEN) == text.count(_EN_CLOSE) and text.count(_FR_OPEN) == text.count(
        _FR_CLOSE
    )


def _rtl_paired(text: str) -> bool:
    return text.count(_RTL_OPEN) == text.count(_RTL_CLOSE)


def _fenced(tag: str, *, leading_newline: bool = True) -> str:
    return ("\n" if leading_newline else "") + f"```\n{tag}\n```\n"


def fence_tags(text: str) -> str:
    """Each marker in a fenced block of its own (Markdown source, before rendering)."""
    if _languages_paired(text):
        text = text.replace(_FR_OPEN, _fenced(_FR_OPEN)).replace(_FR_CLOSE, _fenced(_FR_CLOSE))
        # GC gives [[en]] no newline before its fence, so it must start a line to work
        text = text.replace(_EN_OPEN, _fenced(_EN_OPEN, leading_newline=False))
        text = text.replace(_EN_CLOSE, _fenced(_EN_CLOSE))
    if _rtl_paired(text):
        text = text.replace(_RTL_OPEN, _fenced(_RTL_OPEN)).replace(_RTL_CLOSE, _fenced(_RTL_CLOSE))
    return text


def tags_to_divs(html: str) -> str:
    """Rendered markers become divs: ``lang="fr-ca"``, ``lang="en-ca"`` or ``dir="rtl"``."""
    if _languages_paired(html):
        html = html.replace(_FR_OPEN, '<div lang="fr-ca">').replace(_FR_CLOSE, "</div>")
        html = html.replace(_EN_OPEN, '<div lang="en-ca">').replace(_EN_CLOSE, "</div>")
    if _rtl_paired(html):
        html = html.replace(_RTL_OPEN, '<div dir="rtl">').replace(_RTL_CLOSE, "</div>")
    return html


def remove_tags(text: str) -> str:
    """Plain text: the markers are dropped, their content kept."""
    return _ALL_TAGS.sub("", text)

"""The sent email's two parts: the body HTML and the text/plain part (contract 9.2, 9.3).

As notifications-utils ``template.py`` (``HTMLEmailTemplate``, ``PlainTextEmailTemplate``):
fill, prepare the markdown source, parse, render, then Notify's typography.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from simulator.domain import block_tags
from simulator.domain.email_render.blocks import parse_blocks
from simulator.domain.email_render.renderers import HTML, PLAIN
from simulator.domain.email_render.typography import nice_typography
from simulator.domain.templating import fill

__all__ = ["email_html", "email_plain_text"]

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
        return nice_typography(HTML.blocks(parse_blocks(source)))
    rendered = HTML.blocks(parse_blocks(block_tags.fence_tags(source)))
    return nice_typography(block_tags.tags_to_divs(rendered))


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
    rendered = PLAIN.blocks(parse_blocks(_markdown_source(filled)))
    return html.unescape(nice_typography(rendered)).lstrip() + "\n"

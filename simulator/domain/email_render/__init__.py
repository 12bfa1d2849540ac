"""Email rendering: subject typography, the API body, Notify-markdown HTML and plain text.

Pure domain code (the stdlib, and smartypants for quotes as Notify uses it). Facts from
NOTIFY_CONTRACT.md sections 3.2 and 9, checked against
notifications-utils ``template.py`` (``PlainTextEmailTemplate``, ``HTMLEmailTemplate``),
``markdown.py`` (renderer output and inline styles), ``formatters.py`` and its tests. The code
is ours: a small parser for the subset of Markdown Notify supports, not mistune.

One job a module: :mod:`.typography` (smart quotes, dashes), :mod:`.blocks` (block and list
parsing), :mod:`.inline` (links, escapes, breaks), :mod:`.renderers` (HTML and plain text
output), :mod:`.api_content` (subject and API body), :mod:`.message_parts` (the sent email's
HTML and text/plain parts).
"""

from __future__ import annotations

from simulator.domain.email_render.api_content import EMAIL_MAX_BYTES, email_body, email_subject
from simulator.domain.email_render.message_parts import email_html, email_plain_text

__all__ = [
    "EMAIL_MAX_BYTES",
    "email_body",
    "email_html",
    "email_plain_text",
    "email_subject",
]

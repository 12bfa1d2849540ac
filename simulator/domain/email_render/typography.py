"""Notify's typography for email: smart quotes, en dashes, no space before punctuation.

As notifications-utils ``formatters.py`` (``donice_typography``, ``make_quotes_smart``);
quotes are made smart by the ``smartypants`` package, as Notify does.
"""

from __future__ import annotations

import re

import smartypants

from simulator.domain.templating import remove_whitespace_before_punctuation as _space_punct

__all__ = ["nice_typography"]

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


def nice_typography(value: str) -> str:
    value = _smart_quotes(_space_punct(value))
    value = _EMAIL_WITH_QUOTES.sub(_straighten_email_quotes, value)
    return _SPACED_HYPHEN.sub(" – ", value)

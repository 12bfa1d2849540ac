"""Masking recipients before they reach a log line."""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["mask_in_text", "mask_recipient"]

_KEEP = 3  # characters kept at each end of a phone number


def mask_recipient(value: str | None) -> str:
    """
    Hide most of a phone number or email address, keeping enough to tell them apart.

    ``"07700900123"`` becomes ``"077*****123"`` and ``"alice@example.com"`` becomes
    ``"a***@example.com"``. Short values are masked completely.
    """
    if not value:
        return ""
    text = value.strip()
    if "@" in text:
        return _mask_email(text)
    if len(text) <= 2 * _KEEP:
        return "*" * len(text)
    return text[:_KEEP] + "*" * (len(text) - 2 * _KEEP) + text[-_KEEP:]


def _mask_email(text: str) -> str:
    # the domain says which system it is; the local part identifies the person
    local, _, domain = text.rpartition("@")
    return f"{local[:1]}***@{domain}"


def mask_in_text(text: str, recipients: Iterable[str | None]) -> str:
    """
    Replace every occurrence of the given recipients in free text with their masked form.

    Provider error texts often echo the address or number (``550 <bob@example.com>:
    unknown user``); this keeps them out of logs. Matching ignores case.
    """
    # longest first, so "+447700900123" is masked whole rather than around "447700900123"
    candidates = sorted({r.strip() for r in recipients if r and len(r.strip()) > 3}, key=len)
    if not candidates:
        return text
    pattern = re.compile("|".join(re.escape(c) for c in reversed(candidates)), re.IGNORECASE)
    return pattern.sub(lambda match: mask_recipient(match.group(0)), text)

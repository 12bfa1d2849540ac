"""A precompiled letter's PDF: decoded as Notify does, then measured with pypdf.

Notify decodes with Python's lenient ``base64.b64decode`` and answers
``Cannot decode letter content (invalid base64 encoding)`` on ``ValueError``
(alphagov/notifications-api ``post_notifications.py``). Its template-preview service then
checks the pages after the 201: more than ``LETTER_MAX_PAGE_COUNT`` pages, or a page that is
not A4 portrait, and the letter ends ``validation-failed``.
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
from dataclasses import dataclass

__all__ = ["PrecompiledPdf", "decode_letter_content", "read_precompiled"]

_A4 = (595.28, 841.89)  # points
_TOLERANCE = 3.0


@dataclass(frozen=True, slots=True)
class PrecompiledPdf:
    pages: int
    a4_portrait: bool
    first_page_text: str


def decode_letter_content(content: str) -> bytes | None:
    """The PDF bytes, or None where Notify's decoding fails."""
    try:
        return base64.b64decode(content)
    except (binascii.Error, ValueError):
        return None


def _is_a4_portrait(width: float, height: float) -> bool:
    return abs(width - _A4[0]) <= _TOLERANCE and abs(height - _A4[1]) <= _TOLERANCE


def read_precompiled(pdf: bytes) -> PrecompiledPdf | None:
    """Pages, shape and the first page's text; None when the bytes are not a readable PDF."""
    if not pdf.startswith(b"%PDF-"):
        return None
    from pypdf import PdfReader  # imported with the first PDF read, not at start-up

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed input is expected here
    try:
        reader = PdfReader(io.BytesIO(pdf))
        pages = list(reader.pages)
        shapes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in pages]
        first = pages[0].extract_text() if pages else ""
    except Exception:  # hostile input makes pypdf raise all kinds of errors
        return None
    if not pages:
        return None
    return PrecompiledPdf(
        pages=len(pages),
        a4_portrait=all(_is_a4_portrait(w, h) for w, h in shapes),
        first_page_text=first or "",
    )

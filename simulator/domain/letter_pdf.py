"""A templated letter as an A4 PDF, laid out where Notify's letter template puts things.

Positions from alphagov/notifications-utils ``jinja_templates/letter_pdf/_main_css.jinja2``
and ``_body.jinja2``: the address (upper case, 8pt) in the envelope window 24.6mm from the
left, ending 66.2mm from the top; the contact block (10pt) top right; then the date, the
heading (the subject, 20pt bold) and the body (12.5pt) from 104mm down; "Page n of m"
bottom right. The body follows Notify's letter markdown (``markdown.py``,
``NotifyLetterMarkdownPreviewRenderer``): ``#`` is a heading, ``*``/``-`` and ``1.`` are
lists, ``***`` or ``---`` starts a new page, a bare link is printed as its text.

The PDF's core font covers Latin-1; other characters are brought down to their nearest
Latin-1 form, or ``?``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

__all__ = ["LetterContent", "render_letter_pdf"]

_PT = 25.4 / 72  # millimetres in a point
_WIDE = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2011": "-",
    "\u2022": "*",
    "\u2026": "...",
    "\u00a0": " ",
}
_PAGE_BREAK = re.compile(r"^\s*(\*\s*){3,}$|^\s*(-\s*){3,}$")
_BULLET = re.compile(r"^\s*[*\-\u2022]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(\d+)\.\s+(.*)$")
_HEADING = re.compile(r"^#(?!#)\s*(.*)$")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


@dataclass(frozen=True, slots=True)
class LetterContent:
    address_lines: Sequence[str]
    contact_block: str
    date: str  # "4 December 2026"
    subject: str
    body: str  # the filled template, Notify's letter markdown


def _list_item(line: str) -> tuple[str, str] | None:
    """A list line's marker and text ("3." or "-"), or None for a plain line."""
    numbered = _NUMBERED.match(line)
    if numbered:
        return f"{numbered.group(1)}.", numbered.group(2)
    bullet = _BULLET.match(line)
    return ("-", bullet.group(1)) if bullet else None


def _latin1(text: str) -> str:
    out = []
    for char in text:
        char = _WIDE.get(char, char)
        if len(char) == 1 and ord(char) > 0xFF:
            plain = (
                unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
            )
            char = plain or "?"
        out.append(char)
    return "".join(out)


def _inline(text: str) -> str:
    return _EMPHASIS.sub(r"\2", _LINK.sub(r"\1 \2", text))


@cache
def _letter_class() -> type[FPDF]:
    # fpdf (with fontTools) is a third of the server's imports: loaded with the first letter,
    # not at start-up
    from fpdf import FPDF

    class Letter(FPDF):
        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=10)
            self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    return Letter


def _blocks(body: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in body.splitlines():
        if not line.strip():
            if blocks[-1]:
                blocks.append([])
            continue
        if _PAGE_BREAK.match(line):
            blocks += [["\f"], []]
            continue
        blocks[-1].append(line)
    return [b for b in blocks if b]


def _write_block(pdf: FPDF, lines: list[str], width: float) -> None:
    line_height = 12.5 * 1.3 * _PT
    if lines == ["\f"]:
        pdf.add_page()
        return
    heading = _HEADING.match(lines[0])
    if heading and len(lines) == 1:
        pdf.set_font("Helvetica", style="B", size=14)
        pdf.multi_cell(width, 17.4 * _PT, _latin1(_inline(heading.group(1))))
        pdf.ln(line_height)
        return
    pdf.set_font("Helvetica", size=12.5)
    for line in lines:
        item = _list_item(line)
        if item is None:
            pdf.multi_cell(width, line_height, _latin1(_inline(line)))
            continue
        marker, text = item
        pdf.set_x(pdf.l_margin + 5)
        pdf.cell(6, line_height, marker)
        pdf.multi_cell(width - 11, line_height, _latin1(_inline(text)))
    pdf.ln(line_height)


def render_letter_pdf(content: LetterContent) -> bytes:
    pdf = _letter_class()(format="A4", unit="mm")
    pdf.set_margins(15, 15, 10)
    pdf.set_auto_page_break(True, margin=20)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_title(_latin1(content.subject))
    # the envelope window: the lines sit at the bottom of a 26.7mm box ending 66.2mm down
    pdf.set_font("Helvetica", size=8)
    line = 8.5 * _PT
    lines = [_latin1(a).upper() for a in content.address_lines]
    top = 66.2 - line * len(lines)
    for index, text in enumerate(lines):
        pdf.set_xy(24.6, top + index * line)
        pdf.cell(85, line, text)
    # the contact block, top right
    pdf.set_font("Helvetica", size=10)
    contact = [_latin1(c.strip()) for c in content.contact_block.splitlines() if c.strip()]
    pdf.set_xy(128.8, 82.2 - 12 * _PT * max(len(contact), 1))
    for text in contact:
        pdf.set_x(128.8)
        pdf.cell(71.2, 12 * _PT, text, new_x="LMARGIN", new_y="NEXT")
    width = 135.0
    pdf.set_xy(15, 104)
    pdf.set_font("Helvetica", size=12.5)
    pdf.multi_cell(width, 12.5 * 1.3 * _PT, content.date)
    pdf.ln(18.16 * _PT)
    pdf.set_font("Helvetica", style="B", size=20)
    pdf.multi_cell(width, 23.4 * _PT, _latin1(_inline(content.subject)))
    pdf.ln(7.68 * _PT)
    for block in _blocks(content.body):
        _write_block(pdf, block, width)
    return bytes(pdf.output())

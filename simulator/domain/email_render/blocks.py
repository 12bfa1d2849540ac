"""Notify markdown's blocks: paragraphs, headings, rules, inset text, lists and code.

A small parser for the subset of Markdown Notify supports (notifications-utils
``markdown.py``, which runs mistune with most block rules off); the code is ours. Block
text is kept raw here: :mod:`.inline` reads it when a renderer asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["Block", "parse_blocks"]

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
class Block:
    kind: str  # p, text (tight list paragraph), h, hr, quote, list, code, blank
    text: str = ""
    level: int = 0
    ordered: bool = False
    children: list[Block] = field(default_factory=list)
    items: list[list[Block]] = field(default_factory=list)


def parse_blocks(text: str) -> list[Block]:
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        i = _parse_block(lines, i, blocks)
    return blocks


def _parse_block(lines: list[str], i: int, out: list[Block]) -> int:
    line = lines[i]
    if _BLANK.match(line):
        out.append(Block("blank"))
        return i + 1
    if fence := _FENCE.match(line):
        return _fenced_code(lines, i, out, fence)
    if _INDENTED.match(line):
        return _indented_code(lines, i, out)
    if heading := _ATX.match(line):
        text = _ATX_CLOSING.sub("", heading.group(2).strip())
        out.append(Block("h", text, level=len(heading.group(1))))
        return i + 1
    if _RULE.match(line):
        out.append(Block("hr"))
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


def _paragraph(lines: list[str], i: int, out: list[Block]) -> int:
    buffer = [lines[i]]
    i += 1
    while i < len(lines) and not _BLANK.match(lines[i]):
        if underline := _SETEXT.match(lines[i]):
            level = 1 if underline.group(1)[0] == "=" else 2
            out.append(Block("h", "\n".join(buffer), level=level))
            return i + 1
        if _interrupts_paragraph(lines, i):
            break
        buffer.append(lines[i])
        i += 1
    out.append(Block("p", "\n".join(buffer)))
    return i


def _fenced_code(lines: list[str], i: int, out: list[Block], fence: re.Match[str]) -> int:
    indent, marker = len(fence.group(1)), fence.group(2)
    closing = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
    body: list[str] = []
    i += 1
    while i < len(lines) and not closing.match(lines[i]):
        line = lines[i]
        body.append(line[min(indent, len(line) - len(line.lstrip(" "))) :])
        i += 1
    out.append(Block("code", "\n".join(body)))
    return i + 1


def _indented_code(lines: list[str], i: int, out: list[Block]) -> int:
    end = i
    while end < len(lines) and (_INDENTED.match(lines[end]) or lines[end] == ""):
        end += 1
    while lines[end - 1] == "":  # trailing empty lines belong to what follows
        end -= 1
    body = (_CODE_INDENT.sub("", _expand_leading_tab(line)) for line in lines[i:end])
    out.append(Block("code", "\n".join(body).strip("\n")))
    return end


def _quote(lines: list[str], i: int, out: list[Block]) -> int:
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
    out.append(Block("quote", children=parse_blocks(_QUOTE_MARK.sub("", "\n".join(body)))))
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
    blocks: list[Block]
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


def _item_blocks(first: str, src: list[str]) -> list[Block]:
    return parse_blocks(_TRAILING_BLANKS.sub("\n", first + "\n".join(src)))


def _is_loose(blocks: list[Block]) -> bool:
    kinds = [b.kind for b in blocks]
    return "blank" in kinds or kinds.count("p") > 1


def _list(lines: list[str], i: int, out: list[Block], match: re.Match[str]) -> int:
    groups: tuple[str, ...] | None = match.groups()
    marker = match.group(2)
    bullet, tight = _bullet_pattern(marker), True
    items: list[list[Block]] = []
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
    out.append(Block("list", ordered=len(marker) > 1, items=items))
    return i

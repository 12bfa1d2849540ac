"""A bulk send's spreadsheet, read as Notify's RecipientCSV reads it (contract 3.9).

The first row names the columns: the recipient column (``email address`` or ``phone
number``) and the template's placeholders, matched without case, spaces, ``_`` or ``-``.
Cells are stripped of whitespace and invisible characters; an empty cell is missing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from simulator.domain.recipients import strip_invisible
from simulator.domain.templating import normalise_key

__all__ = ["INVALID_RECIPIENT", "MISSING", "RecipientSheet", "SheetRow", "rows_to_csv"]

MISSING = "Missing"
INVALID_RECIPIENT = "invalid recipient"


def rows_to_csv(rows: Sequence[Any]) -> str:
    """``rows`` written as CSV text, as GC does with ``csv.writer``; raises csv.Error.

    The rows are JSON values as sent: csv.writer itself refuses a row that is not a list
    (csv.Error), and GC answers that refusal with its text.
    """
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class SheetRow:
    index: int  # 0-based, after the header
    recipient: str | None
    personalisation: dict[str, object] = field(default_factory=dict)
    # (raw header, "Missing" or "invalid recipient"), in column order
    errors: tuple[tuple[str, str], ...] = ()


class RecipientSheet:
    """The parsed text; raises csv.Error for text the csv module cannot read."""

    def __init__(self, text: str, *, recipient_header: str, placeholders: Sequence[str]) -> None:
        reader = csv.reader(
            io.StringIO(text.strip()), quoting=csv.QUOTE_MINIMAL, skipinitialspace=True
        )
        lines = list(reader)
        self.headers: list[str] = lines[0] if lines else []
        self._data = lines[1:]
        self._recipient_header = recipient_header
        self._recipient_key = normalise_key(recipient_header)
        self._placeholders = list(placeholders)
        self._placeholder_keys = {normalise_key(p) for p in placeholders}

    def __len__(self) -> int:
        return len(self._data)

    def missing_headers(self) -> list[str]:
        present = {normalise_key(h) for h in self.headers}
        wanted = [*self._placeholders, self._recipient_header]
        return sorted({name for name in wanted if normalise_key(name) not in present})

    def duplicate_recipient_headers(self) -> list[str]:
        found = [h for h in self.headers if normalise_key(h) == self._recipient_key]
        return sorted(set(found)) if len(found) > 1 else []

    def rows(self, valid_recipient: Callable[[str], bool]) -> Iterator[SheetRow]:
        for index, line in enumerate(self._data):
            yield self._row(index, line, valid_recipient)

    def _row(self, index: int, line: list[str], valid_recipient: Callable[[str], bool]) -> SheetRow:
        recipient: str | None = None
        personalisation: dict[str, object] = {}
        errors: list[tuple[str, str]] = []
        for column, header in enumerate(self.headers):
            value = strip_invisible(line[column]) if column < len(line) else ""
            cell = value or None
            key = normalise_key(header)
            if key == self._recipient_key:
                recipient = cell
                if cell is None:
                    errors.append((header, MISSING))
                elif not valid_recipient(cell):
                    errors.append((header, INVALID_RECIPIENT))
            elif key in self._placeholder_keys:
                _insert_or_append(personalisation, header, cell)
                if cell is None:
                    errors.append((header, MISSING))
        return SheetRow(index, recipient, personalisation, tuple(errors))


def _insert_or_append(values: dict[str, object], key: str, value: object) -> None:
    # a column named twice alike gives a list, as Notify's insert_or_append_to_dict does
    if key not in values:
        values[key] = value
        return
    existing = values[key]
    values[key] = [*existing, value] if isinstance(existing, list) else [existing, value]

"""Small helpers for writing PostgreSQL's numbered placeholders ($1, $2, ...)."""

from __future__ import annotations

from simulator.storage.rows import MESSAGE_COLUMNS, NOTIFICATION_COLUMNS

__all__ = ["MESSAGE_PLACEHOLDERS", "NOTIFICATION_PLACEHOLDERS", "Params", "placeholders"]


def placeholders(count: int, start: int = 1) -> str:
    return ", ".join(f"${i}" for i in range(start, start + count))


NOTIFICATION_PLACEHOLDERS = placeholders(len(NOTIFICATION_COLUMNS.split(",")))
MESSAGE_PLACEHOLDERS = placeholders(len(MESSAGE_COLUMNS.split(",")))


class Params:
    """Collects values for a query built piece by piece; `add` returns the placeholder."""

    __slots__ = ("values",)

    def __init__(self) -> None:
        self.values: list[object] = []

    def add(self, value: object) -> str:
        self.values.append(value)
        return f"${len(self.values)}"

"""Form errors, shown in the error summary and beside their field."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["N_", "FieldError"]


def N_(text: str) -> str:
    """Marks a text for the catalogue; the page translates it when it shows it."""
    return text


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str  # the id of the input the summary links to
    message: str  # already in the page's language

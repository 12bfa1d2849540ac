"""Recipient masking for log lines."""

from __future__ import annotations

import pytest

from simulator.domain.masking import mask_in_text, mask_recipient


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("07700900123", "077*****123"),
        ("+447700900123", "+44*******123"),
        ("alice@example.com", "a***@example.com"),
        ("  Bob.Smith@Example.gov.uk ", "B***@Example.gov.uk"),
        ("@example.com", "***@example.com"),
        ("123456", "******"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_recipient(value: str | None, expected: str) -> None:
    assert mask_recipient(value) == expected


def test_mask_in_text_masks_every_form_longest_first() -> None:
    text = "To +447700900123 (447700900123) and ALICE@example.com refused"

    masked = mask_in_text(text, ["alice@example.com", "447700900123", "+447700900123"])

    assert masked == "To +44*******123 (447******123) and A***@example.com refused"


def test_mask_in_text_ignores_empty_and_tiny_values() -> None:
    assert mask_in_text("code 550 at 1", ["", None, "1"]) == "code 550 at 1"

"""Ids and keys of tests/fixtures/contract_letters.yaml, and small letter helpers."""

from __future__ import annotations

import io

from fpdf import FPDF
from notifications_python_client.notifications import NotificationsAPIClient

LIVE = "61111111-1111-4111-8111-111111111111"
UK_ONLY = "62222222-2222-4222-8222-222222222222"
TRIAL = "63333333-3333-4333-8333-333333333333"
NO_LETTERS = "64444444-4444-4444-8444-444444444444"
ONE_A_DAY = "65555555-5555-4555-8555-555555555555"

APPOINTMENT = "61111111-1111-4111-8111-111111111201"  # second class, contact block, markdown
FIRST_CLASS = "61111111-1111-4111-8111-111111111202"
EMAIL = "61111111-1111-4111-8111-111111111203"
UK_ONLY_LETTER = "62222222-2222-4222-8222-222222222201"
TRIAL_LETTER = "63333333-3333-4333-8333-333333333201"
NO_LETTERS_LETTER = "64444444-4444-4444-8444-444444444201"
ONE_A_DAY_LETTER = "65555555-5555-4555-8555-555555555201"

_KEYS = {
    "test": ("letters-test", LIVE, "61111111-1111-4111-8111-111111111101"),
    "team": ("letters-team", LIVE, "61111111-1111-4111-8111-111111111102"),
    "live": ("letters-live", LIVE, "61111111-1111-4111-8111-111111111103"),
    "uk-only": ("uk-only-test", UK_ONLY, "62222222-2222-4222-8222-222222222101"),
    "trial-test": ("trial-letters-test", TRIAL, "63333333-3333-4333-8333-333333333101"),
    "trial-team": ("trial-letters-team", TRIAL, "63333333-3333-4333-8333-333333333102"),
    "trial-live": ("trial-letters-live", TRIAL, "63333333-3333-4333-8333-333333333103"),
    "no-letters": ("no-letters-test", NO_LETTERS, "64444444-4444-4444-8444-444444444101"),
    "one-a-day": ("one-letter-live", ONE_A_DAY, "65555555-5555-4555-8555-555555555101"),
}

ADDRESS = {
    "address_line_1": "Ada Lovelace",
    "address_line_2": "12 Example Street",
    "address_line_3": "London",
    "address_line_4": "sw1a  1aa",
}
APPOINTMENT_VALUES = {**ADDRESS, "name": "Ada", "day": "Monday"}


def letter_key(name: str) -> str:
    key_name, service, secret = _KEYS[name]
    return f"{key_name}-{service}-{secret}"


def letter_client(base_url: str, name: str) -> NotificationsAPIClient:
    return NotificationsAPIClient(letter_key(name), base_url=base_url)


def pdf_file(pages: int = 1, *, first_line: str | None = None, a4: bool = True) -> io.BytesIO:
    """A PDF to send as a precompiled letter; `first_line` is a line of its own on page 1."""
    pdf = FPDF(format="A4" if a4 else (148, 210))
    pdf.set_font("Helvetica", size=12)
    for number in range(pages):
        pdf.add_page()
        if first_line and number == 0:
            pdf.cell(0, 10, first_line, new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 10, f"Precompiled letter page {number + 1}")
    return io.BytesIO(bytes(pdf.output()))

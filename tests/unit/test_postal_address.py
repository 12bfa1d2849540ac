"""Postal addresses as notifications-utils' PostalAddress reads them, and letter timings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from simulator.domain.letters import billable_sheets, estimated_delivery, letter_status
from simulator.domain.models import Status
from simulator.domain.postal_address import PostalAddress
from simulator.letter_wiring import _country_data


def address(*lines: str) -> PostalAddress:
    countries, zones = _country_data()
    return PostalAddress("\n".join(lines), countries, zones)


def test_postcode_is_normalised_and_trailing_uk_country_names_go() -> None:
    parsed = address("Ada Lovelace", "1  Street ,", "sw1a1aa", "England", "United Kingdom")
    assert parsed.lines == ["Ada Lovelace", "1 Street", "SW1A 1AA"]
    assert not parsed.international


@pytest.mark.parametrize(
    ("country", "canonical", "zone"),
    [
        ("france", "France", "europe"),
        ("USA", "United States", "rest-of-world"),
        ("Deutschland", "Germany", "europe"),
        ("Jersey", "United Kingdom", "united-kingdom"),
    ],
)
def test_countries_and_zones(country: str, canonical: str, zone: str) -> None:
    parsed = address("A Person", "1 Road", country)
    assert (canonical, zone) == (parsed.country, parsed.postage_zone)


def test_bfpo_lines() -> None:
    assert address("Sgt A", "Unit 1", "bfpo 123").lines == ["Sgt A", "Unit 1", "BFPO 123"]


def test_letter_helpers() -> None:
    assert (billable_sheets(1), billable_sheets(2), billable_sheets(11)) == (1, 1, 6)
    assert (
        letter_status(Status.SENDING),
        letter_status(Status.DELIVERED),
        letter_status(Status.VALIDATION_FAILED),
    ) == ("accepted", "received", "validation-failed")
    # Friday 4pm: printed Monday, second class latest the 5th working day after
    friday = datetime(2026, 12, 4, 16, 0, tzinfo=UTC)
    assert datetime(2026, 12, 14, 22, 30, tzinfo=UTC) == estimated_delivery(friday, "second")
    assert datetime(2026, 12, 8, 22, 30, tzinfo=UTC) == estimated_delivery(friday, "first")

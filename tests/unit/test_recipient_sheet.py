"""A bulk send's spreadsheet read as GC's RecipientCSV reads it, and the bulk body schema."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import pytest

from simulator.domain.bulk_schema import BulkSchema
from simulator.domain.recipient_sheet import RecipientSheet, SheetRow, rows_to_csv
from simulator.domain.schemas import GC_SCHEDULE_TEXTS

NOW = datetime(2030, 1, 1, 10, 5, tzinfo=UTC)


def sheet(text: str, placeholders: tuple[str, ...] = ("name",)) -> RecipientSheet:
    return RecipientSheet(text, recipient_header="phone number", placeholders=placeholders)


def rows(text: str) -> list[SheetRow]:
    return list(sheet(text).rows(lambda value: value.startswith("+1")))


def test_rows_are_written_as_gcs_csv_writer_does() -> None:
    assert rows_to_csv([["phone number", "name"], ["+1", None], [1.5, True]]) == (
        "phone number,name\r\n+1,\r\n1.5,True\r\n"
    )
    with pytest.raises(csv.Error, match="iterable expected, not int"):
        rows_to_csv([1, 2])


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("foo", ["name", "phone number"]),
        ("Phone_Number,NAME", []),
        ("phone-number, name ", []),
        ("name", ["phone number"]),
    ],
)
def test_headers_match_without_case_spaces_or_dashes(header: str, missing: list[str]) -> None:
    assert sheet(f"{header}\nx").missing_headers() == missing


def test_only_recipient_columns_count_as_duplicates() -> None:
    assert sheet("phone number,Phone_Number,name,name\n1,2,3,4").duplicate_recipient_headers() == [
        "Phone_Number",
        "phone number",
    ]
    assert sheet("phone number,name,NAME\n1,2,3").duplicate_recipient_headers() == []


def test_cells_are_stripped_and_empty_ones_are_missing() -> None:
    found = rows("phone number,name,other\n +1613\u200b , Ada ,x\n+1614,  \nnope,Bo\n\n")
    assert [(r.index, r.recipient, r.personalisation, r.errors) for r in found] == [
        (0, "+1613", {"name": "Ada"}, ()),
        (1, "+1614", {"name": None}, (("name", "Missing"),)),
        (2, "nope", {"name": "Bo"}, (("phone number", "invalid recipient"),)),
    ]
    assert rows("phone number,name\n,")[0].errors == (
        ("phone number", "Missing"),
        ("name", "Missing"),
    )


def test_a_column_named_twice_gives_a_list() -> None:
    assert rows("phone number,name,name\n+1,a,b")[0].personalisation == {"name": ["a", "b"]}


@pytest.mark.parametrize(
    ("body", "messages"),
    [
        ({}, ["name is a required property", "template_id is a required property"]),
        (
            {"name": 1, "template_id": "x", "rows": [[1]], "reply_to_id": "y"},
            [
                "name 1 is not of type string",
                "template_id is not a valid UUID",
                "rows [[1]] is too short",
                "reply_to_id is not a valid UUID",
            ],
        ),
        (
            {"name": "n", "template_id": "6af522d0-2915-4e52-83a3-3690455a5fe6", "extra": 1},
            ["Additional properties are not allowed (extra was unexpected)"],
        ),
        (
            {
                "name": "n",
                "template_id": "6af522d0-2915-4e52-83a3-3690455a5fe6",
                "scheduled_for": "2030-01-05T10:06:00",
            },
            ["scheduled_for datetime can only be up to 96 hours in the future"],
        ),
        (
            {
                "name": "n",
                "template_id": "6af522d0-2915-4e52-83a3-3690455a5fe6",
                "scheduled_for": None,
                "reply_to_id": None,
                "csv": "x",
            },
            [],
        ),
    ],
)
def test_bulk_schema_messages(body: dict[str, object], messages: list[str]) -> None:
    schema = BulkSchema(max_rows=3, clock=lambda: NOW, hours_ahead=96, texts=GC_SCHEDULE_TEXTS)
    assert schema.validate(body) == messages


def test_rows_may_hold_the_header_and_max_rows() -> None:
    schema = BulkSchema(max_rows=2, clock=lambda: NOW, hours_ahead=96, texts=GC_SCHEDULE_TEXTS)
    body = {"name": "n", "template_id": "6af522d0-2915-4e52-83a3-3690455a5fe6"}
    assert schema.validate({**body, "rows": [["a"], ["b"], ["c"]]}) == []
    assert schema.validate({**body, "rows": [["a"], ["b"], ["c"], ["d"]]}) == [
        "rows [[a], [b], [c], [d]] is too long"
    ]

"""Send-a-file documents: document-download-api's type checks and Notify's link ids."""

from __future__ import annotations

import uuid

import pytest

from simulator.domain.documents import (
    DocumentTexts,
    UploadProblem,
    decode_document,
    detect_mimetype,
    from_base64_id,
    retention_weeks,
    to_base64_id,
)

TEXTS = DocumentTexts()


@pytest.mark.parametrize(
    ("content", "filename", "is_csv", "expected"),
    [
        (b"%PDF-1.4 x", None, False, "application/pdf"),
        (b"\x89PNG\r\n\x1a\n....", None, False, "image/png"),
        (b"a,b\n1,2\n", None, True, "text/csv"),
        (b"a,b\n1,2\n", None, False, "text/plain"),
        (b'{"a": 1}', None, False, "application/json"),
        (b"plain words", "notes.txt", False, "text/plain"),
        (b"%PDF-1.4 x", "letter.PDF", False, "application/pdf"),
    ],
)
def test_types(content: bytes, filename: str | None, is_csv: bool, expected: str) -> None:
    assert expected == detect_mimetype(content, filename=filename, is_csv=is_csv, texts=TEXTS)


def test_refusals_use_document_downloads_texts() -> None:
    with pytest.raises(UploadProblem, match=r"^Unsupported file type 'application/octet-stream'"):
        detect_mimetype(b"\x00\x01", filename=None, is_csv=False, texts=TEXTS)
    with pytest.raises(UploadProblem, match=r"^Unsupported file type '\.exe'\. Supported types"):
        detect_mimetype(b"%PDF-", filename="a.exe", is_csv=False, texts=TEXTS)
    with pytest.raises(UploadProblem, match=r"^`filename` cannot be longer than 100 characters$"):
        detect_mimetype(b"%PDF-", filename="a" * 98 + ".pdf", is_csv=False, texts=TEXTS)
    with pytest.raises(UploadProblem, match=r"^Document must not be empty$"):
        decode_document("", TEXTS)
    with pytest.raises(UploadProblem, match=r"^Document is not base64 encoded$"):
        decode_document("abc", TEXTS)


def test_ids_and_retention() -> None:
    value = str(uuid.uuid4())
    short = to_base64_id(value)
    assert (22, value, value) == (len(short), from_base64_id(short), from_base64_id(value))
    assert from_base64_id("not an id") is None
    assert (
        retention_weeks(None),
        retention_weeks("4 weeks"),
        retention_weeks("1 week"),
    ) == (26, 4, 1)


def test_file_sizes_as_notify_formats_them() -> None:
    from simulator.api.download_pages import file_size

    # format_file_size strips ".0" characters, so a round 10 KB reads "1KB" there too
    assert [file_size(n) for n in (20, 7689, 10240, 1536 * 1024)] == [
        "0.1KB",
        "7.5KB",
        "1KB",
        "1.5MB",
    ]

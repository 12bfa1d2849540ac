"""GC's files sent by link: downloadable from the sandbox's own document route, then gone.

GC-DOCS src/en/send.md ("we delete the file after 7 days. After deletion, recipients get a
404"); cds-snc/notification-document-download-api app/download/views.py (the link serves
the file itself, as an attachment when the link names it) and app/utils/urls.py (the
link's form). Sends go through the official client; the link is followed over HTTP.
"""

from __future__ import annotations

import base64
import re
import uuid

import pytest
import requests

from tests.contract_ca.bulk_support import move_clock
from tests.contract_ca.more_support import FILES, FILES_EMAIL, client
from tests.sandbox_process import SandboxProcess

PDF = b"%PDF-1.4 sandbox test\n"


def _b64_id(value: str) -> str:
    return base64.urlsafe_b64encode(uuid.UUID(value).bytes).decode().rstrip("=")


@pytest.fixture(scope="module")
def base(more_sandbox: SandboxProcess) -> str:
    return more_sandbox.base_url


def _send(base: str, doc: dict[str, str], to: str = "file.person@example.ca") -> str:
    sent = client(base, "files").send_email_notification(to, FILES_EMAIL, {"doc": doc})
    body: str = sent["content"]["body"]
    assert body.startswith("Here: ")
    return body.removeprefix("Here: ")


def test_a_link_downloads_the_file_then_is_gone_after_seven_days(
    more_sandbox: SandboxProcess, base: str
) -> None:
    link = _send(
        base,
        {
            "file": base64.b64encode(PDF).decode(),
            "filename": "letter.pdf",
            "sending_method": "link",
        },
    )
    assert re.fullmatch(
        rf"{re.escape(base)}/d/{_b64_id(FILES)}/[A-Za-z0-9_-]{{22}}\?key=[A-Za-z0-9_-]+"
        r"&filename=letter\.pdf",
        link,
    ), link
    got = requests.get(link, timeout=10)
    assert got.status_code == 200
    assert got.content == PDF
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Content-Disposition"] == 'attachment; filename="letter.pdf"'
    assert requests.get(link.replace("key=", "key=x"), timeout=10).status_code == 404
    try:
        move_clock(more_sandbox, {"advance_seconds": 6 * 86400})
        assert requests.get(link, timeout=10).status_code == 200
        move_clock(more_sandbox, {"advance_seconds": 86400 + 60})
        assert requests.get(link, timeout=10).status_code == 404
    finally:
        move_clock(more_sandbox, {"reset": True})


def test_a_link_without_a_filename_is_shown_inline(base: str) -> None:
    link = _send(
        base, {"file": base64.b64encode(b"plain words").decode(), "sending_method": "link"}
    )
    assert "filename=" not in link
    got = requests.get(link, timeout=10)
    assert (got.status_code, got.content) == (200, b"plain words")
    assert got.headers["Content-Disposition"].startswith("inline")


def test_smoke_test_recipients_get_the_test_document(base: str) -> None:
    link = _send(
        base,
        {"file": base64.b64encode(PDF).decode(), "sending_method": "link"},
        to="simulate-delivered@notification.canada.ca",
    )
    assert link == f"{base}/services/{FILES}/documents/test-document"
    assert requests.get(link, timeout=10).status_code == 200

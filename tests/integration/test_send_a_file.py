"""UK send a file by email (contract 3.2): file objects in personalisation become links."""

from __future__ import annotations

import base64
import html
import io
import re
import uuid
from typing import Any

import httpx
import pytest
from notifications_python_client.utils import prepare_upload

from tests.integration.limits_support import LimitsService, admin, failure, new_service
from tests.sandbox_process import SandboxProcess

PDF = base64.b64encode(b"%PDF-1.4 a small document").decode()


@pytest.fixture
def file_service(sandbox: SandboxProcess) -> tuple[LimitsService, str]:
    service = new_service(sandbox)
    template = admin(
        sandbox,
        "POST",
        f"/sandbox/v1/services/{service.id}/templates",
        {"type": "email", "name": "With a file", "subject": "Your file", "body": "Get it: ((doc))"},
    )["data"]["id"]
    return service, template


def _send(service: LimitsService, template: str, address: str, doc: object) -> dict[str, object]:
    sent: dict[str, object] = service.client("test").send_email_notification(
        email_address=address, template_id=template, personalisation={"doc": doc}
    )
    return sent


def test_without_contact_details_the_service_cannot_send_files(
    file_service: tuple[LimitsService, str],
) -> None:
    service, template = file_service
    status, body, _ = failure(
        lambda: _send(service, template, "someone@example.com", {"file": PDF})
    )

    assert (status, body) == (
        400,
        {
            "status_code": 400,
            "errors": [
                {
                    "error": "BadRequestError",
                    "message": "Send files by email has not been set up - add contact details "
                    "for your service at https://www.notifications.service.gov.uk/services/"
                    f"{service.id}/service-settings/send-files-by-email",
                }
            ],
        },
    )


LINK = re.compile(r"Get it: (http://127\.0\.0\.1:\d+/d/([\w-]{22})/([\w-]{22})\?key=[\w-]+)")


def _b64_uuid(value: str) -> str:
    return base64.urlsafe_b64encode(uuid.UUID(value).bytes).decode().rstrip("=")


def _link(sent: dict[str, Any]) -> str:
    body = str(sent["content"]["body"])
    match = LINK.fullmatch(body)
    assert match, body
    return match.group(1)


def test_a_file_becomes_a_download_link_to_the_sandbox(
    file_service: tuple[LimitsService, str],
) -> None:
    service, template = file_service
    service.patch({"contact_link": "https://example.gov.uk/help"})
    with_client = prepare_upload(io.BytesIO(b"%PDF-1.4 hello"), filename="a.pdf")

    sent = _send(service, template, "someone@example.com", with_client)

    link = _link(sent)
    # Notify's shape: the ids in short base64, as document-download writes them
    assert f"/d/{_b64_uuid(service.id)}/" in link


def _follow(browser: httpx.Client, page: httpx.Response, text: str) -> httpx.Response:
    """Follow the link on `page` whose text contains `text`."""
    match = re.search(rf'href="([^"]+)"[^>]*>[^<]*{re.escape(text)}', page.text)
    assert match is not None, page.text
    return browser.get(str(page.url.join(html.unescape(match.group(1)))))


def test_follow_the_link_confirm_the_address_and_get_the_same_bytes(
    file_service: tuple[LimitsService, str],
) -> None:
    service, template = file_service
    service.patch({"contact_link": "https://example.gov.uk/help"})
    original = b"%PDF-1.4\n" + bytes(range(256)) * 30
    upload = prepare_upload(io.BytesIO(original), filename="report.pdf")
    link = _link(_send(service, template, "Someone@Example.com", upload))

    with httpx.Client(follow_redirects=True, timeout=10) as browser:
        landing = browser.get(link)
        assert "You have a file to download" in landing.text
        assert re.search(r"<p>[^<]+ sent you a file to download\.</p>", landing.text)
        asked = _follow(browser, landing, "Continue")
        assert (asked.status_code, "Confirm your email address" in asked.text) == (200, True)
        # the file itself leads back to the landing page until the address is confirmed
        match = LINK.fullmatch(f"Get it: {link}")
        assert match is not None
        document = uuid.UUID(bytes=base64.urlsafe_b64decode(match.group(3) + "=="))
        key = link.split("?key=")[1]
        direct = browser.get(
            f"{service.sandbox.base_url}/services/{service.id}/documents/{document}.pdf?key={key}"
        )
        assert "You have a file to download" in direct.text
        empty = browser.post(asked.url, data={"email_address": " "})
        assert (empty.status_code, "Enter your email address" in empty.text) == (400, True)
        wrong = browser.post(asked.url, data={"email_address": "other@example.com"})
        assert (
            wrong.status_code,
            "This is not the email address the file was sent to." in wrong.text,
        ) == (400, True)
        confirmed = browser.post(asked.url, data={"email_address": "someone@example.com"})
        assert (confirmed.status_code, "Download your file" in confirmed.text) == (200, True)
        assert "Download this PDF (7.5KB) to your device" in confirmed.text
        downloaded = _follow(browser, confirmed, "Download this PDF")
    assert (200, "application/pdf", original) == (
        downloaded.status_code,
        downloaded.headers["content-type"],
        downloaded.content,
    )
    assert downloaded.headers["x-robots-tag"] == "noindex, nofollow"


def test_without_confirmation_the_page_links_straight_to_the_file(
    file_service: tuple[LimitsService, str],
) -> None:
    service, template = file_service
    service.patch({"contact_link": "https://example.gov.uk/help"})
    upload = prepare_upload(
        io.BytesIO(b"name,age\nada,36\n"),
        filename="people.csv",
        confirm_email_before_download=False,
    )
    link = _link(_send(service, template, "someone@example.com", upload))
    with httpx.Client(follow_redirects=True, timeout=10) as browser:
        page = _follow(browser, browser.get(link), "Continue")
        assert "Download this CSV file (0.1KB) to your device" in page.text
        downloaded = _follow(browser, page, "Download this CSV file")
    assert (
        downloaded.headers["content-type"].split(";")[0],
        downloaded.content,
    ) == ("text/csv", b"name,age\nada,36\n")
    assert downloaded.headers["content-disposition"].startswith("attachment")


def test_retention_period_is_honoured(
    file_service: tuple[LimitsService, str], sandbox: SandboxProcess
) -> None:
    service, template = file_service
    service.patch({"contact_link": "https://example.gov.uk/help"})
    upload = prepare_upload(
        io.BytesIO(b"%PDF-1.4 x"), confirm_email_before_download=False, retention_period="1 week"
    )
    link = _link(_send(service, template, "someone@example.com", upload))
    assert httpx.get(link, timeout=10).status_code == 200
    admin(sandbox, "POST", "/sandbox/v1/clock", {"advance_seconds": 8 * 86400})
    try:
        gone = httpx.get(link, timeout=10)
    finally:
        admin(sandbox, "POST", "/sandbox/v1/clock", {"reset": True})
    assert (gone.status_code, "has expired or been deleted" in gone.text) == (410, True)


def test_test_key_links_work_and_a_wrong_key_finds_nothing(
    file_service: tuple[LimitsService, str],
) -> None:
    service, template = file_service
    service.patch({"contact_link": "https://example.gov.uk/help"})
    upload = prepare_upload(io.BytesIO(b"%PDF-1.4 x"), confirm_email_before_download=False)
    link = _link(_send(service, template, "temp-fail@simulator.notify", upload))
    assert httpx.get(link, timeout=10).status_code == 200
    wrong = httpx.get(link.split("?key=")[0] + "?key=not-the-key", timeout=10)
    assert (
        wrong.status_code,
        "Page not found" in wrong.text,
    ) == (404, True)


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        (b"", {}, "Document must not be empty"),
        (b"\x00\x01binary", {}, "Unsupported file type 'application/octet-stream'. Supported"),
        (b"%PDF-1.4 x", {"filename": "a.exe"}, "Unsupported file type '.exe'. Supported"),
        (b"x" * (2 * 1024 * 1024 + 1025), {}, "Uploaded file exceeds file size limit"),
    ],
)
def test_document_download_refusals(
    file_service: tuple[LimitsService, str], content: bytes, options: dict[str, str], message: str
) -> None:
    service, template = file_service
    service.patch({"contact_link": "https://example.gov.uk/help"})
    doc = {"file": base64.b64encode(content).decode(), **options}
    status, body, _ = failure(lambda: _send(service, template, "someone@example.com", doc))
    assert (status, body["errors"][0]["error"]) == (400, "BadRequestError")
    assert body["errors"][0]["message"].startswith(message), body


def test_file_options_are_checked_with_notifys_texts(
    file_service: tuple[LimitsService, str],
) -> None:
    service, template = file_service
    service.patch({"contact_link": "https://example.gov.uk/help"})

    status, body, _ = failure(
        lambda: _send(
            service,
            template,
            "someone@example.com",
            {"file": PDF, "retention_period": "99 weeks"},
        )
    )

    assert status == 400
    assert body["errors"][0]["error"] == "ValidationError"
    assert body["errors"][0]["message"].endswith(
        "Unsupported value for retention_period: 99 weeks. "
        "Supported periods are from 1 to 78 weeks."
    )


def test_a_file_in_a_text_message_is_refused(file_service: tuple[LimitsService, str]) -> None:
    service, _ = file_service
    status, body, _ = failure(
        lambda: service.client("test").send_sms_notification(
            phone_number="07700900123",
            template_id=service.sms_template,
            personalisation={"name": {"file": PDF}},
        )
    )

    assert (status, body["errors"][0]["message"]) == (400, "Can only send a file by email")

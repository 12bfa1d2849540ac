"""Letter PDFs and precompiled letters through the official Python client (contract 3.3;
notifications-api get_notifications.py ``get_pdf_for_notification``, post_notifications.py
``process_precompiled_letter_notifications``). The PDFs are read back with pypdf."""

from __future__ import annotations

import base64
import io
import time
from typing import Any

import pytest
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient
from pypdf import PdfReader

from tests.contract.letters_support import (
    ADDRESS,
    APPOINTMENT,
    APPOINTMENT_VALUES,
    EMAIL,
    FIRST_CLASS,
    letter_client,
    pdf_file,
)
from tests.contract.support import api_error, envelope, poll_until, unique_reference
from tests.sandbox_process import SandboxProcess

NOT_READY = (400, envelope(400, ("PDFNotReadyError", "PDF not available yet, try again later")))


@pytest.fixture(scope="module")
def test_client(letters_sandbox: SandboxProcess) -> NotificationsAPIClient:
    return letter_client(letters_sandbox.base_url, "test")


def fetch_pdf(client: NotificationsAPIClient, notification_id: str, timeout: float = 8.0) -> bytes:
    """Ask until the PDF is ready: PDFNotReadyError is the only answer allowed meanwhile."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            pdf: bytes = client.get_pdf_for_letter(notification_id).read()
            return pdf
        except HTTPError as error:
            assert error.response is not None
            assert (error.status_code, error.response.json()) == NOT_READY
            assert time.monotonic() < deadline, "the PDF never became ready"
            time.sleep(0.05)


def until_status(
    client: NotificationsAPIClient, notification_id: str, status: str
) -> list[dict[str, Any]]:
    return poll_until(
        lambda: client.get_notification_by_id(notification_id),
        lambda n: n["status"] == status,
    )


def test_templated_letter_pdf_not_ready_then_rendered(test_client: NotificationsAPIClient) -> None:
    sent = test_client.send_letter_notification(APPOINTMENT, APPOINTMENT_VALUES)
    assert api_error(lambda: test_client.get_pdf_for_letter(sent["id"])) == NOT_READY
    pdf = PdfReader(io.BytesIO(fetch_pdf(test_client, sent["id"])))
    page = pdf.pages[0]
    assert (
        round(float(page.mediabox.width), 2),
        round(float(page.mediabox.height), 2),
    ) == (595.28, 841.89)
    text = page.extract_text()
    # the address in the window, upper case, the postcode normalised
    assert "ADA LOVELACE\n12 EXAMPLE STREET\nLONDON\nSW1A 1AA" in text
    assert "Clinic Office\n1 Health Street\nLeeds\nLS1 1AA" in text
    assert "Your appointment, Ada" in text
    assert "Your appointment is on Monday." in text
    assert "What to bring" in text and "your letter" in text
    assert "Page 1 of 1" in text
    # the address sits above the body, in the top third of the page
    assert text.index("ADA LOVELACE") < text.index("Dear Ada,")


@pytest.mark.parametrize("postage", ["first", "second"])
def test_precompiled_letter_kept_byte_for_byte(
    test_client: NotificationsAPIClient, postage: str
) -> None:
    reference = unique_reference("precompiled")
    original = pdf_file(2).getvalue()
    sent = test_client.send_precompiled_letter_notification(
        reference, io.BytesIO(original), postage=postage
    )
    assert {"id": sent["id"], "reference": reference, "postage": postage} == sent
    seen = until_status(test_client, sent["id"], "received")
    assert seen[0]["status"] == "pending-virus-check"
    assert postage == seen[-1]["postage"]
    # Notify's hidden precompiled template (templates_dao.get_precompiled_letter_template)
    assert (
        seen[-1]["body"],
        seen[-1]["subject"],
        seen[-1]["line_1"],
    ) == ("", "Pre-compiled PDF", "Provided as PDF")
    assert {"billable_sheets_of_paper": 1, "postage": postage} == seen[-1]["cost_details"]
    assert original == test_client.get_pdf_for_letter(sent["id"]).read()


def test_precompiled_postage_defaults_to_second(test_client: NotificationsAPIClient) -> None:
    sent = test_client.send_precompiled_letter_notification("no-postage", pdf_file())
    assert test_client.get_notification_by_id(sent["id"])["postage"] == "second"


def test_precompiled_errors(test_client: NotificationsAPIClient) -> None:
    def refused(body: object) -> tuple[int, Any]:
        return api_error(lambda: test_client.post("/v2/notifications/letter", data=body))

    assert (
        400,
        envelope(
            400, ("BadRequestError", "Cannot decode letter content (invalid base64 encoding)")
        ),
    ) == refused({"reference": "x", "content": "abc"})
    not_pdf = base64.b64encode(b"this is not a PDF").decode()
    assert (
        400,
        envelope(400, ("BadRequestError", "Letter content is not a valid PDF")),
    ) == refused({"reference": "x", "content": not_pdf})
    assert (400, envelope(400, ("ValidationError", "reference is a required property"))) == refused(
        {"content": not_pdf}
    )
    assert (
        400,
        envelope(
            400, ("ValidationError", "postage invalid. It must be either first, second or economy.")
        ),
    ) == api_error(
        lambda: test_client.send_precompiled_letter_notification("x", pdf_file(), postage="third")
    )


def test_precompiled_over_the_limits_fails_validation(test_client: NotificationsAPIClient) -> None:
    too_long = test_client.send_precompiled_letter_notification("long", pdf_file(11))
    until_status(test_client, too_long["id"], "validation-failed")
    not_a4 = test_client.send_precompiled_letter_notification("a5", pdf_file(1, a4=False))
    until_status(test_client, not_a4["id"], "validation-failed")


def test_precompiled_magic_line_fails_the_virus_scan(test_client: NotificationsAPIClient) -> None:
    infected = pdf_file(1, first_line="simulate-virus-scan-failed")
    sent = test_client.send_precompiled_letter_notification("virus", infected)
    until_status(test_client, sent["id"], "virus-scan-failed")
    assert (400, envelope(400, ("BadRequestError", "File did not pass the virus scan"))) == (
        api_error(lambda: test_client.get_pdf_for_letter(sent["id"]))
    )


def test_pdf_errors(test_client: NotificationsAPIClient) -> None:
    failed = test_client.send_letter_notification(
        FIRST_CLASS, {**ADDRESS, "address_line_1": "simulate-technical-failure"}
    )
    until_status(test_client, failed["id"], "technical-failure")
    assert (
        400,
        envelope(
            400, ("BadRequestError", "PDF not available for letters in status technical-failure")
        ),
    ) == api_error(lambda: test_client.get_pdf_for_letter(failed["id"]))
    email = test_client.send_email_notification("someone@example.com", EMAIL)
    assert (400, envelope(400, ("BadRequestError", "Notification is not a letter"))) == api_error(
        lambda: test_client.get_pdf_for_letter(email["id"])
    )
    assert (400, envelope(400, ("ValidationError", "notification_id is not a valid UUID"))) == (
        api_error(lambda: test_client.get_pdf_for_letter("not-a-uuid"))
    )

"""UK send a file by email (contract 3.2): file objects in personalisation become links."""

from __future__ import annotations

import base64
import io
import re

import pytest
from notifications_python_client import prepare_upload

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
    return service.client("test").send_email_notification(
        email_address=address, template_id=template, personalisation={"doc": doc}
    )


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


def test_a_file_becomes_a_download_link_in_the_email(
    file_service: tuple[LimitsService, str],
) -> None:
    service, template = file_service
    service.patch({"contact_link": "https://example.gov.uk/help"})
    with_client = prepare_upload(io.BytesIO(b"%PDF-1.4 hello"), filename="a.pdf")

    sent = _send(service, template, "someone@example.com", with_client)

    body = str(sent["content"]["body"])  # type: ignore[index]
    assert re.fullmatch(
        rf"Get it: https://documents\.service\.gov\.uk/d/{service.id}/[0-9a-f-]{{36}}\?key=\S+",
        body,
    ), body


def test_a_simulated_recipient_gets_the_test_document_link(
    file_service: tuple[LimitsService, str],
) -> None:
    service, template = file_service
    service.patch({"contact_link": "https://example.gov.uk/help"})

    sent = _send(
        service, template, "simulate-delivered@notifications.service.gov.uk", {"file": PDF}
    )

    assert sent["content"]["body"] == (  # type: ignore[index]
        "Get it: https://documents.service.gov.uk/test-document"
    )


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

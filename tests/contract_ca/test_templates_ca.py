"""GC templates (contract 3.2, 9.4): bilingual and RTL blocks, files by link or attachment."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import requests

from tests.contract_ca.support import (
    BILINGUAL_EMAIL,
    DOMESTIC_FILE_EMAIL,
    EMAIL_TEMPLATE,
    FREE_EMAIL,
    FREE_SMS,
    LIVE,
    api_error,
    bad_request,
    client,
    post,
    validation,
)
from tests.sandbox_process import ADMIN_TOKEN, SandboxProcess

P = '<p style="Margin: 0 0 20px 0; font-size: 19px; line-height: 25px; color: #0B0C0C;">'
FILE = base64.b64encode(b"%PDF-1.4 sandbox").decode()
LIVE_B64 = "oRERERERQRGBEREREREREQ"  # the LIVE service id in Notify's short base64 form


def inspect(ca_sandbox: SandboxProcess, notification_id: str) -> dict[str, Any]:
    response = requests.get(
        f"{ca_sandbox.base_url}/sandbox/v1/messages/{notification_id}",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=10,
    )
    assert response.status_code == 200
    data: dict[str, Any] = response.json()["data"]
    return data


def test_bilingual_and_rtl_blocks_become_divs(ca_sandbox: SandboxProcess) -> None:
    preview = client(ca_sandbox.base_url, "test").post_template_preview(
        BILINGUAL_EMAIL, {"name": "Ada"}
    )
    assert preview["html"] == (
        f'<div lang="en-ca">{P}Hello Ada</p></div>'
        f'<div lang="fr-ca">{P}Bonjour Ada</p></div>'
        f'<div dir="rtl">{P}مرحبا</p></div>'
    )
    # the API body is the filled markdown, markers and all
    assert preview["body"].startswith("[[en]]\nHello Ada\n[[/en]]")


def test_unpaired_markers_are_left_alone(ca_sandbox: SandboxProcess) -> None:
    preview = client(ca_sandbox.base_url, "test").post_template_preview(
        FREE_EMAIL, {"text": "[[fr]]\nBonjour"}
    )
    assert preview["html"] == f"{P}[[fr]]<br>Bonjour</p>"


def test_a_link_file_puts_a_document_url_in_the_message(ca_sandbox: SandboxProcess) -> None:
    test = client(ca_sandbox.base_url, "test")
    sent = test.send_email_notification(
        "a@example.ca",
        EMAIL_TEMPLATE,
        {"name": "Ada", "doc": {"file": FILE, "filename": "a.pdf", "sending_method": "link"}},
    )
    # the sandbox's own download route (tests/contract_ca/test_file_links.py follows it)
    link = f"Dear Ada,\n\nYour file: {ca_sandbox.base_url}/d/{LIVE_B64}/"
    assert sent["content"]["body"].startswith(link)
    assert sent["content"]["body"].endswith("&filename=a.pdf")


def test_an_attached_file_is_recorded_not_written_in(ca_sandbox: SandboxProcess) -> None:
    test = client(ca_sandbox.base_url, "test")
    attached = {"file": FILE, "filename": "report.pdf", "sending_method": "attach"}
    sent = test.send_email_notification(
        "a@example.ca", FREE_EMAIL, {"text": "See attached", "report": attached}
    )
    assert sent["content"]["body"] == "See attached"
    [document] = inspect(ca_sandbox, sent["id"])["attachments"]
    assert {k: document[k] for k in ("filename", "sending_method", "mime_type", "file_size")} == {
        "filename": "report.pdf",
        "sending_method": "attach",
        "mime_type": "application/pdf",
        "file_size": 16,
    }
    # the attachment itself is kept with the message, byte for byte
    [kept] = inspect(ca_sandbox, sent["id"])["files"]
    assert (kept["kind"], kept["filename"], kept["size"]) == ("attachment", "report.pdf", 16)
    content = requests.get(
        f"{ca_sandbox.base_url}{kept['url']}",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=10,
    ).content
    assert base64.b64decode(FILE) == content


def test_an_attached_file_is_not_a_placeholder(ca_sandbox: SandboxProcess) -> None:
    test = client(ca_sandbox.base_url, "test")
    attached = {"file": FILE, "filename": "a.pdf", "sending_method": "attach"}
    assert api_error(
        lambda: test.send_email_notification(
            "a@example.ca", EMAIL_TEMPLATE, {"name": "A", "doc": attached}
        )
    ) == bad_request(f"Missing personalisation for template ID {EMAIL_TEMPLATE}: doc")


def test_simulated_recipients_get_the_test_document(ca_sandbox: SandboxProcess) -> None:
    live = client(ca_sandbox.base_url, "live")
    sent = live.send_email_notification(
        "simulate-delivered@notification.canada.ca",
        EMAIL_TEMPLATE,
        {"name": "A", "doc": {"file": FILE, "sending_method": "link"}},
    )
    test_document = f"{ca_sandbox.base_url}/services/{LIVE}/documents/test-document"
    assert sent["content"]["body"].endswith(test_document)


@pytest.mark.parametrize(
    ("doc", "messages"),
    [
        (
            {"file": FILE, "sending_method": "attach"},
            ["personalisation filename is a required property"],
        ),
        (
            {"file": FILE, "sending_method": "mail"},
            ["personalisation mail is not one of [attach, link]"],
        ),
        (
            {"file": FILE, "sending_method": "attach", "filename": "ab"},
            ["personalisation ab is too short"],
        ),
        (
            {"file": "abc", "sending_method": "link"},
            ["doc : Incorrect padding : Error decoding base64 field"],
        ),
    ],
)
def test_file_checks(ca_sandbox: SandboxProcess, doc: dict[str, Any], messages: list[str]) -> None:
    body = {
        "email_address": "a@example.ca",
        "template_id": EMAIL_TEMPLATE,
        "personalisation": {"name": "A", "doc": doc},
    }
    assert post(ca_sandbox.base_url, "email", body).json()["errors"] == [
        {"error": "ValidationError", "message": m} for m in messages
    ]


def test_file_count_and_personalisation_size_limits(ca_sandbox: SandboxProcess) -> None:
    files = {f"f{i}": {"file": FILE, "sending_method": "link"} for i in range(11)}
    body = {
        "email_address": "a@example.ca",
        "template_id": FREE_EMAIL,
        "personalisation": {"text": "x" * 51200, **files},
    }
    response = post(ca_sandbox.base_url, "email", body)
    assert (response.status_code, response.json()) == validation(
        "File number exceed allowed limits of 10 with number of 11."
    )
    body["personalisation"] = {"text": "x" * 51201}
    assert post(ca_sandbox.base_url, "email", body).json()["errors"][0]["message"] == (
        "Personalisation variables size of 51201 bytes is greater than allowed limit of "
        "51200 bytes."
    )


def test_a_file_over_10_mib(ca_sandbox: SandboxProcess) -> None:
    big = base64.b64encode(b"\0" * (10 * 1024 * 1024 + 1)).decode()
    body = {
        "email_address": "a@example.ca",
        "template_id": FREE_EMAIL,
        "personalisation": {
            "text": "x",
            "big": {"file": big, "filename": "big.bin", "sending_method": "attach"},
        },
    }
    assert post(ca_sandbox.base_url, "email", body).json()["errors"] == [
        {
            "error": "ValidationError",
            "message": "big : File size for big.bin is 10485761 and greater than allowed "
            "limit of 10485760.",
        }
    ]


def test_files_need_the_upload_document_permission(ca_sandbox: SandboxProcess) -> None:
    domestic = client(ca_sandbox.base_url, "domestic-live")
    assert api_error(
        lambda: domestic.send_email_notification(
            "a@example.ca",
            DOMESTIC_FILE_EMAIL,
            {"doc": {"file": FILE, "sending_method": "link"}},
        )
    ) == bad_request("Service is not allowed to send documents")


def test_a_file_link_in_a_text_message(ca_sandbox: SandboxProcess) -> None:
    # GC uploads files from any personalisation, text messages included
    test = client(ca_sandbox.base_url, "test")
    sent = test.send_sms_notification(
        "+16135550123", FREE_SMS, {"text": {"file": FILE, "sending_method": "link"}}
    )
    assert sent["content"]["body"].startswith(f"CA Live: {ca_sandbox.base_url}/d/{LIVE_B64}/")

"""Live-key email through the smtp provider to a real aiosmtpd server (issue 3).

The sandbox runs as a subprocess configured by a SANDBOX_CONFIG TOML file; the SMTP
server runs in this process (aiosmtpd's own thread) and records what arrives.
"""

from __future__ import annotations

import email
import email.policy
import threading
from collections.abc import Iterator
from email.message import EmailMessage, MIMEPart
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.conftest import LIVE_SERVICE
from tests.integration.lane_support import (
    EMAIL_TEMPLATE,
    REPLY_TO,
    SMS_TEMPLATE,
    TEAM_PHONE,
    client_for,
    poll_until,
    running_sandbox,
    status_history,
    unique_reference,
    wait_for_messages,
    write_config,
)
from tests.sandbox_process import SandboxProcess, free_port

FROM_ADDRESS = "contract.live@notifications.service.gov.uk"
UNSUBSCRIBE_URL = "https://example.com/unsubscribe/abc?x=1"
REFUSED = "nobody@example.com"


class Mailbox:
    """An aiosmtpd handler: keeps every accepted message; refuses RCPT for `REFUSED`."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []
        self._lock = threading.Lock()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address == REFUSED:
            return "550 5.1.1 <nobody@example.com>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self._lock:
            self.envelopes.append(envelope)
        return "250 2.0.0 Ok: queued"

    def for_recipient(self, address: str) -> list[Envelope]:
        with self._lock:
            return [e for e in self.envelopes if address in e.rcpt_tos]

    def wait_for(self, address: str, timeout: float = 8.0) -> tuple[Envelope, EmailMessage]:
        [envelope] = poll_until(
            lambda: self.for_recipient(address), lambda found: len(found) >= 1, timeout=timeout
        )[-1]
        content = envelope.content
        assert isinstance(content, bytes)
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return envelope, parsed


def text_of(part: MIMEPart) -> str:
    """A MIME part's decoded text, with the wire's CRLF line ends back to LF."""
    return str(part.get_content()).replace("\r\n", "\n")


@pytest.fixture(scope="module")
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    handler = Mailbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def smtp_config(path: Path, port: int) -> Path:
    return write_config(
        path,
        [
            {
                "name": "local-smtp",
                "kind": "smtp",
                "channel": "email",
                "priority": 1,
                "settings": {"host": "127.0.0.1", "port": port, "timeout": 5},
            }
        ],
    )


@pytest.fixture(scope="module")
def sandbox(
    tmp_path_factory: pytest.TempPathFactory, mailbox: tuple[Mailbox, int]
) -> Iterator[SandboxProcess]:
    directory = tmp_path_factory.mktemp("smtp-lane")
    config = smtp_config(directory / "sandbox.toml", mailbox[1])
    with running_sandbox(directory / "data", config=config) as process:
        yield process


def test_live_key_email_arrives_as_multipart_alternative(
    sandbox: SandboxProcess, mailbox: tuple[Mailbox, int]
) -> None:
    handler, _ = mailbox
    client = client_for(sandbox, "live")
    recipient = "citizen.one@example.com"
    reference = unique_reference("smtp-live")

    sent = client.send_email_notification(
        email_address=recipient,
        template_id=EMAIL_TEMPLATE,
        personalisation={"name": "Zoë", "items": "* first\n* second", "show": "yes"},
        reference=reference,
        email_reply_to_id=REPLY_TO,
        one_click_unsubscribe_url=UNSUBSCRIBE_URL,
    )

    envelope, received = handler.wait_for(recipient)
    assert envelope.mail_from == FROM_ADDRESS == sent["content"]["from_email"]
    assert envelope.rcpt_tos == [recipient]
    assert received.get_content_type() == "multipart/alternative"
    plain, html = received.iter_parts()
    assert plain.get_content_type() == "text/plain"
    assert html.get_content_type() == "text/html"
    assert plain.get_content_charset() == html.get_content_charset() == "utf-8"
    assert text_of(plain).startswith("Dear Zoë,\n\n• first\n• second\n\nExtra text")
    assert ">first</li>" in html.get_content() and ">second</li>" in html.get_content()
    assert received["From"].addresses[0].addr_spec == FROM_ADDRESS
    assert received["From"].addresses[0].display_name == "Contract Live"
    assert received["To"] == recipient
    assert received["Subject"] == "Hello Zoë" == sent["content"]["subject"]
    assert received["Reply-To"] == "replies@example.com"
    assert received["List-Unsubscribe"] == f"<{UNSUBSCRIBE_URL}>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received["Message-ID"] == f"<{sent['id']}@notify-sandbox>"

    history = status_history(client, sent["id"])
    assert history[-1] == "delivered"
    assert set(history) <= {"created", "sending", "delivered"}
    [message] = wait_for_messages(sandbox, 1, reference=reference)
    assert message["provider"] == "local-smtp"
    assert message["notification_id"] == sent["id"]
    assert message["service_id"] == LIVE_SERVICE
    assert message["key_type"] == "normal"
    assert message["text"] == text_of(plain)
    assert len(handler.for_recipient(recipient)) == 1


def test_no_unsubscribe_url_means_no_list_unsubscribe_headers(
    sandbox: SandboxProcess, mailbox: tuple[Mailbox, int]
) -> None:
    handler, _ = mailbox
    client = client_for(sandbox, "live")
    recipient = "citizen.two@example.com"

    sent = client.send_email_notification(
        recipient, EMAIL_TEMPLATE, {"name": "Al", "items": "x", "show": ""}
    )

    _, received = handler.wait_for(recipient)
    assert received["List-Unsubscribe"] is None
    assert received["List-Unsubscribe-Post"] is None
    assert received["Reply-To"] == "replies@example.com"  # the service's default
    assert status_history(client, sent["id"])[-1] == "delivered"


def test_team_key_email_to_the_team_goes_out_too(
    sandbox: SandboxProcess, mailbox: tuple[Mailbox, int]
) -> None:
    handler, _ = mailbox
    client = client_for(sandbox, "team")

    sent = client.send_email_notification(
        "GUEST@example.com", EMAIL_TEMPLATE, {"name": "Gu", "items": "x", "show": ""}
    )

    _, received = handler.wait_for("GUEST@example.com")
    assert received["Subject"] == "Hello Gu"
    assert status_history(client, sent["id"])[-1] == "delivered"


def test_refused_recipient_is_a_permanent_failure(
    sandbox: SandboxProcess, mailbox: tuple[Mailbox, int]
) -> None:
    client = client_for(sandbox, "live")

    sent = client.send_email_notification(
        REFUSED, EMAIL_TEMPLATE, {"name": "No", "items": "x", "show": ""}
    )

    assert status_history(client, sent["id"])[-1] == "permanent-failure"
    assert mailbox[0].for_recipient(REFUSED) == []


def test_sms_still_goes_to_the_default_outbox(sandbox: SandboxProcess) -> None:
    client = client_for(sandbox, "live")
    reference = unique_reference("smtp-lane-sms")

    sent = client.send_sms_notification(
        TEAM_PHONE, SMS_TEMPLATE, {"name": "Sm", "code": "1"}, reference=reference
    )

    assert status_history(client, sent["id"])[-1] == "delivered"
    [message] = wait_for_messages(sandbox, 1, reference=reference)
    assert message["provider"] == "outbox"


OWN_FIXTURE = """\
services:
  - id: 77777777-7777-4777-8777-777777777777
    name: Pet Licences
    restricted: false
    email_sender_local_part: pet.licences
    permissions: [email]
    email_reply_to:
      - id: 37777777-7777-4777-8777-777777777771
        email_address: help@pets.example
        is_default: true
      - {id: 37777777-7777-4777-8777-777777777772, email_address: renewals@pets.example}
    team:
      - {name: Owner, email_address: owner@pets.example}
    api_keys:
      - {name: pets-live, key_type: normal, secret: 47777777-7777-4777-8777-777777777773}
      - {name: pets-team, key_type: team, secret: 47777777-7777-4777-8777-777777777772}
    templates:
      - id: 57777777-7777-4777-8777-777777777771
        type: email
        name: Renewal
        subject: "Renew the licence for ((pet))"
        body: "# Time to renew\\n\\n^ The licence for ((pet)) ends soon."
"""


def test_users_own_fixture_reply_to_from_email_reply_to_id(
    tmp_path: Path, mailbox: tuple[Mailbox, int]
) -> None:
    from notifications_python_client.errors import HTTPError
    from notifications_python_client.notifications import NotificationsAPIClient

    handler, port = mailbox
    fixture = tmp_path / "pets.yaml"
    fixture.write_text(OWN_FIXTURE, "utf-8")
    config = smtp_config(tmp_path / "sandbox.toml", port)
    service = "77777777-7777-4777-8777-777777777777"
    live_key = f"pets-live-{service}-47777777-7777-4777-8777-777777777773"
    team_key = f"pets-team-{service}-47777777-7777-4777-8777-777777777772"

    with running_sandbox(tmp_path / "data", config=config, fixtures=fixture) as sandbox:
        client = NotificationsAPIClient(live_key, base_url=sandbox.base_url)
        sent = client.send_email_notification(
            "keeper@example.com",
            "57777777-7777-4777-8777-777777777771",
            {"pet": "Rex"},
            email_reply_to_id="37777777-7777-4777-8777-777777777772",
        )
        envelope, received = handler.wait_for("keeper@example.com")
        assert status_history(client, sent["id"])[-1] == "delivered"

        team = NotificationsAPIClient(team_key, base_url=sandbox.base_url)
        with pytest.raises(HTTPError) as caught:
            team.send_email_notification(
                "stranger@example.com", "57777777-7777-4777-8777-777777777771", {"pet": "Rex"}
            )

    assert envelope.mail_from == "pet.licences@notifications.service.gov.uk"
    assert received["From"].addresses[0].display_name == "Pet Licences"
    assert received["Reply-To"] == "renewals@pets.example"
    assert received["Subject"] == "Renew the licence for Rex"
    plain, html = received.iter_parts()
    assert "Time to renew" in plain.get_content()
    assert "The licence for Rex ends soon." in plain.get_content()
    assert "<h2" in html.get_content() and "Time to renew" in html.get_content()
    assert caught.value.status_code == 400
    assert caught.value.message == [
        {
            "error": "BadRequestError",
            "message": "Can’t send to this recipient using a team-only API key",
        }
    ]
    assert handler.for_recipient("stranger@example.com") == []

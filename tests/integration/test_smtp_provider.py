"""SmtpProvider against a real aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from simulator.domain.outbound import OutboundEmail, ProviderError
from simulator.providers.smtp import SmtpProvider

SUBJECT = "Your café booking – confirmed ✓"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RecordingHandler:
    """Accepts everything, or answers RCPT/DATA with a canned refusal."""

    def __init__(self, rcpt_reply: str | None = None, data_reply: str | None = None) -> None:
        self.rcpt_reply = rcpt_reply
        self.data_reply = data_reply
        self.envelopes: list[Envelope] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.data_reply:
            return self.data_reply
        self.envelopes.append(envelope)
        return "250 2.0.0 Ok: queued as SANDBOX1"

    def received(self) -> EmailMessage:
        assert len(self.envelopes) == 1
        content = self.envelopes[0].content
        assert isinstance(content, bytes)
        return email.message_from_bytes(content, policy=email.policy.default)


@contextmanager
def serving(handler: RecordingHandler, **kwargs: Any) -> Iterator[int]:
    """Run aiosmtpd (in its own thread) on a free port; yield the port."""
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[tuple[RecordingHandler, int]]:
    handler = RecordingHandler()
    with serving(handler) as port:
        yield handler, port


@pytest.fixture(scope="module")
def tls_context(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    cert_file, key_file = self_signed_cert(tmp_path_factory.mktemp("tls"))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def make_email(**overrides: Any) -> OutboundEmail:
    fields: dict[str, Any] = {
        "notification_id": "6f1c2a4e-0000-4000-8000-000000000001",
        "service_id": "svc-1",
        "to": "alice@example.com",
        "from_address": "my.service@notifications.service.gov.uk",
        "from_name": "My Service",
        "reply_to": "replies@example.gov.uk",
        "subject": SUBJECT,
        "plain_text": "Hello Alice,\n\nYour booking is confirmed. Merci!",
        "html": "<p>Hello Alice,</p><p>Your booking is <strong>confirmed</strong>.</p>",
        "unsubscribe_url": "https://example.gov.uk/unsubscribe/abc",
        "reference": "ref-1",
    }
    fields.update(overrides)
    return OutboundEmail(**fields)


def plain_provider(port: int, **settings: Any) -> SmtpProvider:
    return SmtpProvider({"name": "smtp-test", "host": "127.0.0.1", "port": port, **settings})


async def test_sends_multipart_alternative_with_all_headers(
    smtp_server: tuple[RecordingHandler, int],
) -> None:
    handler, port = smtp_server

    receipt = await plain_provider(port, timeout=5).send_email(make_email())

    assert receipt.status == "delivered"
    assert receipt.provider == "smtp-test"
    assert receipt.provider_reference == "<6f1c2a4e-0000-4000-8000-000000000001@notify-sandbox>"
    envelope = handler.envelopes[0]
    assert envelope.mail_from == "my.service@notifications.service.gov.uk"
    assert envelope.rcpt_tos == ["alice@example.com"]
    received = handler.received()
    assert received.get_content_type() == "multipart/alternative"
    parts = list(received.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in parts)
    assert "Merci!" in parts[0].get_content()
    assert "<strong>confirmed</strong>" in parts[1].get_content()
    assert received["Subject"] == SUBJECT
    assert received["From"] == "My Service <my.service@notifications.service.gov.uk>"
    assert received["To"] == "alice@example.com"
    assert received["Reply-To"] == "replies@example.gov.uk"
    assert received["Message-ID"] == "<6f1c2a4e-0000-4000-8000-000000000001@notify-sandbox>"
    assert received["X-Notify-Notification-Id"] == "6f1c2a4e-0000-4000-8000-000000000001"
    assert received["List-Unsubscribe"] == "<https://example.gov.uk/unsubscribe/abc>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received["Date"] is not None


async def test_non_ascii_subject_is_encoded_on_the_wire(
    smtp_server: tuple[RecordingHandler, int],
) -> None:
    handler, port = smtp_server

    await plain_provider(port).send_email(make_email())

    raw = handler.envelopes[0].original_content
    assert isinstance(raw, bytes)
    raw_subject = next(line for line in raw.split(b"\r\n") if line.startswith(b"Subject:"))
    assert raw_subject.isascii()
    assert b"=?utf-8?" in raw_subject.lower()


async def test_optional_headers_are_left_out(smtp_server: tuple[RecordingHandler, int]) -> None:
    handler, port = smtp_server

    await plain_provider(port).send_email(make_email(reply_to=None, unsubscribe_url=None))

    received = handler.received()
    assert received["Reply-To"] is None
    assert received["List-Unsubscribe"] is None
    assert received["List-Unsubscribe-Post"] is None


async def test_starttls_and_login(tls_context: ssl.SSLContext) -> None:
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        logins.append((data.login, data.password))
        return AuthResult(success=data.password == b"s3cret", handled=False)

    handler = RecordingHandler()
    options = {"tls_context": tls_context, "require_starttls": True}
    with serving(handler, authenticator=authenticator, **options) as port:
        provider = plain_provider(
            port, starttls=True, validate_certs=False, username="robot", password="s3cret"
        )
        receipt = await provider.send_email(make_email())

    assert receipt.status == "delivered"
    assert logins == [(b"robot", b"s3cret")]
    assert handler.received().get_content_type() == "multipart/alternative"


async def test_implicit_tls(tls_context: ssl.SSLContext) -> None:
    handler = RecordingHandler()
    with serving(handler, ssl_context=tls_context) as port:
        provider = plain_provider(port, use_tls=True, validate_certs=False)
        receipt = await provider.send_email(make_email())

    assert receipt.status == "delivered"
    assert (
        handler.received()["Message-ID"] == "<6f1c2a4e-0000-4000-8000-000000000001@notify-sandbox>"
    )


async def test_untrusted_certificate_is_not_retryable(tls_context: ssl.SSLContext) -> None:
    with serving(RecordingHandler(), tls_context=tls_context) as port:
        provider = plain_provider(port, starttls=True)  # validate_certs defaults to true
        with pytest.raises(ProviderError) as caught:
            await provider.send_email(make_email())

    assert caught.value.retryable is False


async def test_wrong_password_is_not_retryable(tls_context: ssl.SSLContext) -> None:
    def authenticator(*args: Any) -> AuthResult:
        return AuthResult(success=False, handled=False)  # aiosmtpd then replies 535

    with serving(RecordingHandler(), tls_context=tls_context, authenticator=authenticator) as port:
        provider = plain_provider(
            port, starttls=True, validate_certs=False, username="robot", password="wrong-pw"
        )
        with pytest.raises(ProviderError) as caught:
            await provider.send_email(make_email())

    assert caught.value.retryable is False
    assert "535" in caught.value.detail
    assert "wrong-pw" not in caught.value.detail
    assert "wrong-pw" not in repr(provider) + repr(provider.settings)


@pytest.mark.parametrize(
    ("handler", "retryable"),
    [
        (RecordingHandler(rcpt_reply="451 4.3.0 Try again later"), True),
        (RecordingHandler(data_reply="451 4.3.0 Queue full, try later"), True),
        (RecordingHandler(rcpt_reply="550 5.7.1 Relaying denied"), False),
        (RecordingHandler(data_reply="550 5.7.1 Message rejected as spam"), False),
    ],
    ids=["rcpt-451", "data-451", "rcpt-550-relay", "data-550"],
)
async def test_refusals_raise_provider_error(handler: RecordingHandler, retryable: bool) -> None:
    with serving(handler) as port, pytest.raises(ProviderError) as caught:
        await plain_provider(port).send_email(make_email())

    assert retryable is caught.value.retryable
    assert caught.value.detail.startswith("smtp-test: ")


@pytest.mark.parametrize(
    ("reply", "status"),
    [
        ("550 5.1.1 <alice@example.com>: Recipient address rejected", "permanent-failure"),
        ("550 Requested action not taken: mailbox unavailable", "permanent-failure"),
        ("552 5.2.2 Mailbox full", "temporary-failure"),
    ],
)
async def test_recipient_refusals_are_receipts(reply: str, status: str) -> None:
    with serving(RecordingHandler(rcpt_reply=reply)) as port:
        receipt = await plain_provider(port).send_email(make_email())

    assert status == receipt.status
    assert receipt.detail is not None and reply.split(" ", 1)[1] in receipt.detail


async def test_connection_refused_is_retryable() -> None:
    with pytest.raises(ProviderError) as caught:
        await plain_provider(free_port(), timeout=2).send_email(make_email())

    assert caught.value.retryable is True


async def test_silent_server_times_out_retryably() -> None:
    release = asyncio.Event()

    async def never_greet(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await release.wait()
        writer.close()

    server = await asyncio.start_server(never_greet, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(ProviderError) as caught:
            await plain_provider(port, timeout=0.3).send_email(make_email())
    finally:
        release.set()
        server.close()
        await server.wait_closed()

    assert caught.value.retryable is True


def test_rejects_contradictory_settings() -> None:
    with pytest.raises(ValueError, match="starttls"):
        SmtpProvider({"starttls": True, "use_tls": True})
    with pytest.raises(ValueError, match="username"):
        SmtpProvider({"username": "robot"})


def test_default_ports_follow_the_tls_mode() -> None:
    assert SmtpProvider({}).settings.port == 25
    assert SmtpProvider({"starttls": "true"}).settings.port == 587
    assert SmtpProvider({"use_tls": True}).settings.port == 465

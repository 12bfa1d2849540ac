"""The SMTP provider: email through any SMTP server, with aiosmtplib.

Each email goes out as multipart/alternative (text/plain then text/html, UTF-8). The
Message-ID is ``<{notification_id}@notify-sandbox>``, so a receiver can spot a resend.

Outcomes. Acceptance of the message is final (no bounces are read), so the receipt says
``delivered``. A recipient refused with 5xx at RCPT is the address's fault: the receipt
says ``permanent-failure`` (``temporary-failure`` for "mailbox full") and there is no
retry or failover. Other 5xx (sender, DATA, auth, relaying denied) raise a non-retryable
`ProviderError`, so the dispatcher fails over; 4xx and network trouble are retryable.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, Final

import aiosmtplib

from simulator.domain.clock import Clock
from simulator.domain.outbound import OutboundEmail, ProviderError, ProviderReceipt, ReceiptStatus
from simulator.providers._settings import (
    optional_str,
    provider_name,
    read_bool,
    read_float,
    read_int,
)

__all__ = ["SmtpProvider", "SmtpSettings", "build_mime_message", "message_id_for"]

KIND: Final = "smtp"
_ENHANCED_CODE = re.compile(r"\s*([245])\.(\d{1,3})\.(\d{1,3})\b")


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """
    Settings: ``host`` (localhost), ``port`` (465 with use_tls, 587 with starttls, else 25),
    ``starttls`` (false; true requires it), ``use_tls`` (false; implicit TLS),
    ``username`` and ``password`` (login when set), ``timeout`` (seconds, 30),
    ``validate_certs`` (true).

    .. versionadded:: 0.1.0
    """

    name: str
    host: str = "localhost"
    port: int = 25
    starttls: bool = False
    use_tls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    validate_certs: bool = True

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> SmtpSettings:
        name = provider_name(settings, KIND)
        starttls = read_bool(settings, "starttls", False, name)
        use_tls = read_bool(settings, "use_tls", False, name)
        if starttls and use_tls:
            raise ValueError(f"provider {name!r}: choose one of 'starttls' and 'use_tls'")
        username = optional_str(settings, "username", None, provider=name)
        password = optional_str(settings, "password", None, provider=name)
        if bool(username) != bool(password):
            raise ValueError(f"provider {name!r}: set both 'username' and 'password', or neither")
        default_port = 465 if use_tls else 587 if starttls else 25
        return cls(
            name=name,
            host=optional_str(settings, "host", "localhost", provider=name) or "localhost",
            port=read_int(settings, "port", default_port, name),
            starttls=starttls,
            use_tls=use_tls,
            username=username,
            password=password,
            timeout=read_float(settings, "timeout", 30.0, name),
            validate_certs=read_bool(settings, "validate_certs", True, name),
        )


def message_id_for(notification_id: str) -> str:
    """The Message-ID of a notification's email: stable, so resends can be recognised."""
    return f"<{notification_id}@notify-sandbox>"


def build_mime_message(message: OutboundEmail, *, now: datetime) -> EmailMessage:
    """
    The MIME form of an email: multipart/alternative with text/plain and text/html parts.

    .. versionadded:: 0.1.0
    """
    mime = EmailMessage()
    mime["From"] = Address(display_name=message.from_name, addr_spec=message.from_address)
    mime["To"] = message.to
    mime["Subject"] = message.subject
    if message.reply_to:
        mime["Reply-To"] = message.reply_to
    mime["Date"] = format_datetime(now)
    mime["Message-ID"] = message_id_for(message.notification_id)
    mime["X-Notify-Notification-Id"] = message.notification_id
    if message.unsubscribe_url:
        # RFC 8058 one-click unsubscribe
        mime["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        mime["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mime.set_content(message.plain_text, charset="utf-8")
    mime.add_alternative(message.html, subtype="html", charset="utf-8")
    return mime


class SmtpProvider:
    """
    Email through an SMTP server; one connection per message.

    .. versionadded:: 0.1.0
    """

    __slots__ = ("_clock", "name", "settings")

    def __init__(self, settings: Mapping[str, Any], *, clock: Clock | None = None) -> None:
        self.settings = SmtpSettings.from_mapping(settings)
        self.name = self.settings.name
        self._clock = clock

    async def send_email(self, message: OutboundEmail) -> ProviderReceipt:
        now = self._clock.now() if self._clock else datetime.now(UTC)
        mime = build_mime_message(message, now=now)
        s = self.settings
        try:
            _, reply = await aiosmtplib.send(
                mime,
                sender=message.from_address,
                recipients=[message.to],
                hostname=s.host,
                port=s.port,
                username=s.username,
                password=s.password,
                use_tls=s.use_tls,
                start_tls=s.starttls,
                validate_certs=s.validate_certs,
                timeout=s.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            return self._refused(exc)
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise self._error(exc) from exc
        return ProviderReceipt(
            provider=self.name,
            status="delivered",
            provider_reference=message_id_for(message.notification_id),
            detail=reply or None,
        )

    async def aclose(self) -> None:
        return None  # no pooled connections

    def _refused(self, exc: aiosmtplib.SMTPRecipientsRefused) -> ProviderReceipt:
        refusal = exc.recipients[0] if exc.recipients else None
        code = refusal.code if refusal else 0
        text = refusal.message if refusal else "recipient refused"
        detail = f"{self.name}: RCPT refused: {code} {text}"
        status = _recipient_refusal_status(code, text)
        if status is None:
            raise ProviderError(detail, retryable=code < 500)
        return ProviderReceipt(provider=self.name, status=status, detail=detail)

    def _error(self, exc: aiosmtplib.SMTPException | OSError) -> ProviderError:
        if isinstance(exc, aiosmtplib.SMTPResponseException):
            detail = f"{self.name}: {type(exc).__name__}: {exc.code} {exc.message}"
            return ProviderError(detail, retryable=exc.code < 500)
        detail = f"{self.name}: {type(exc).__name__}: {exc}"
        return ProviderError(detail, retryable=_is_transient(exc))

    def __repr__(self) -> str:
        return f"SmtpProvider(name={self.name!r}, host={self.settings.host!r})"


def _recipient_refusal_status(code: int, text: str) -> ReceiptStatus | None:
    """The receipt for a RCPT refusal that is about the address, else None."""
    if code < 500:
        return None
    enhanced = _ENHANCED_CODE.match(text)
    if enhanced:
        subject, detail = enhanced.group(2), enhanced.group(3)
        if (subject, detail) == ("2", "2"):  # 5.2.2 mailbox full
            return "temporary-failure"
        # 5.1.x: bad address; 5.2.1: mailbox disabled. Anything else (5.7.1 relaying
        # denied, ...) is about us, not the recipient.
        return "permanent-failure" if subject == "1" or (subject, detail) == ("2", "1") else None
    if code == 552:  # exceeded storage allocation
        return "temporary-failure"
    return "permanent-failure" if code in (550, 551, 553) else None


def _is_transient(exc: BaseException) -> bool:
    # certificate failures and unsupported extensions (no STARTTLS, no AUTH) are settings
    # problems that a retry won't fix; timeouts and dropped connections may pass
    if isinstance(exc, ssl.SSLCertVerificationError) or isinstance(
        exc.__cause__, ssl.SSLCertVerificationError
    ):
        return False
    if isinstance(exc, aiosmtplib.SMTPNotSupported):
        return False
    # aiosmtplib's connect, disconnect and timeout errors are all OSErrors
    return isinstance(exc, OSError)

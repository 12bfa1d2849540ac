"""The provider contract: what a live-lane message looks like and who can send it.

This module and the entry-point group ``notify_sandbox.providers`` are the public plugin
contract. A third-party package adds a provider by registering a factory (usually the
provider class itself) that takes the provider's settings mapping.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import (
    Any,
    Final,
    Literal,
    Protocol,
    TypeAlias,
    TypeGuard,
    get_args,
    runtime_checkable,
)

__all__ = [
    "PROVIDER_ENTRY_POINT_GROUP",
    "RECEIPT_STATUSES",
    "DualProvider",
    "EmailProvider",
    "OutboundEmail",
    "OutboundMessage",
    "OutboundSms",
    "ProviderError",
    "ProviderFactory",
    "ProviderReceipt",
    "ReceiptForm",
    "ReceiptRules",
    "ReceiptStatus",
    "SmsProvider",
    "is_receipt_status",
]

PROVIDER_ENTRY_POINT_GROUP: Final = "notify_sandbox.providers"
"""
The entry-point group third-party provider packages register their factories in.

.. versionadded:: 0.1.0
"""


@dataclass(frozen=True, slots=True)
class OutboundSms:
    """
    A rendered text message, ready for a provider.

    ``to`` is the recipient as submitted; ``normalised_to`` is E.164 digits without ``+``
    (``"447700900123"``). ``body`` is the final text: sanitised, with the service-name
    prefix already applied if the service asks for one.

    .. versionadded:: 0.1.0
    """

    notification_id: str
    service_id: str
    to: str
    normalised_to: str
    sender: str
    body: str
    fragment_count: int
    reference: str | None


@dataclass(frozen=True, slots=True)
class OutboundEmail:
    """
    A rendered email, ready for a provider.

    ``from_address`` is ``<email_sender_local_part>@<domain>`` and ``from_name`` the service
    name. ``plain_text`` and ``html`` are both rendered from the template's Notify markdown.

    .. versionadded:: 0.1.0
    """

    notification_id: str
    service_id: str
    to: str
    from_address: str
    from_name: str
    reply_to: str | None
    subject: str
    plain_text: str
    html: str
    unsubscribe_url: str | None
    reference: str | None


OutboundMessage: TypeAlias = OutboundSms | OutboundEmail
"""
Either kind of outbound message.

.. versionadded:: 0.1.0
"""

ReceiptStatus: TypeAlias = Literal[
    "sending",
    "sent",
    "pending",
    "delivered",
    "temporary-failure",
    "permanent-failure",
    "technical-failure",
]
"""
The Notify statuses a provider may report, at hand-off or later in a receipt.

.. versionadded:: 0.1.0
"""

RECEIPT_STATUSES: Final[frozenset[str]] = frozenset(get_args(ReceiptStatus))
"""
Every valid `ReceiptStatus`, for checking untyped input (JSON bodies, callbacks).

.. versionadded:: 0.1.0
"""


def is_receipt_status(value: object) -> TypeGuard[ReceiptStatus]:
    """
    Whether ``value`` is a `ReceiptStatus` (the type checker then knows it is one).

    .. versionadded:: 0.1.0
    """
    return value in RECEIPT_STATUSES


@dataclass(frozen=True, slots=True)
class ProviderReceipt:
    """
    What a provider said about one message.

    A receipt is final for the attempt: the dispatcher does not retry or fail over after
    one, whatever its status. ``permanent-failure`` is for recipient problems (no such
    mailbox, invalid number); provider problems are raised as `ProviderError`.

    .. versionadded:: 0.1.0
    """

    provider: str
    status: ReceiptStatus
    provider_reference: str | None = None
    detail: str | None = None


class ProviderError(Exception):
    """
    A provider could not take the message.

    ``retryable=True`` means the same provider may succeed later (timeouts, 5xx, 429,
    SMTP 4xx); ``False`` means it never will (bad credentials, rejected request), so the
    dispatcher moves straight on to the next provider. ``detail`` must not contain secrets.

    .. versionadded:: 0.1.0
    """

    def __init__(self, detail: str, *, retryable: bool) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retryable = retryable

    def __repr__(self) -> str:
        return f"ProviderError({self.detail!r}, retryable={self.retryable})"


@runtime_checkable
class SmsProvider(Protocol):
    """
    Sends text messages.

    .. versionadded:: 0.1.0
    """

    name: str

    async def send_sms(self, message: OutboundSms) -> ProviderReceipt: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class EmailProvider(Protocol):
    """
    Sends emails.

    .. versionadded:: 0.1.0
    """

    name: str

    async def send_email(self, message: OutboundEmail) -> ProviderReceipt: ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ReceiptForm:
    """
    A delivery receipt as its provider's rules read it from the body, before it is trusted.
    """

    # the provider's reference for the message (its receipt's provider_reference)
    reference: str | None
    provider_status: str | None
    error_code: str | None
    # every field as sent, in order: what a signature covers
    fields: tuple[tuple[str, str], ...] = ()


class ReceiptRules(Protocol):
    """
    How a provider that calls back with delivery receipts is heard: its route and its parser.

    A provider's factory (its entry point) offers these as its ``receipts`` attribute. The
    sandbox mounts ``POST /sandbox/v1/receipts/<kind>`` for each kind that offers them and
    asks them; the edge imports no provider's module. Before the body is read the request
    must carry `signature_header` (else 403), be `media_type` (else 415) and at most
    `max_bytes` (else 413).
    """

    title: str  # names the provider in the route's refusals ("Invalid Twilio signature")
    signature_header: str
    media_type: str
    max_bytes: int
    # what a receipt must carry, for the 400 that says so ("MessageSid and MessageStatus")
    required_fields: str

    def parse(self, body: bytes) -> ReceiptForm:
        """The receipt in `body`; ValueError when it is not a valid body."""
        ...

    def signed(
        self,
        settings: Mapping[str, Any],
        form: ReceiptForm,
        signature: str,
        *,
        received_url: str,
        notification_id: str | None,
    ) -> bool:
        """Whether `signature` verifies with the credentials in a configured provider's
        `settings`, for the URL the receipt was sent to (the message's own callback URL
        when `notification_id` is known, or the URL as received)."""
        ...

    def status_for(self, provider_status: str, error_code: str | None) -> ReceiptStatus: ...


@runtime_checkable
class DualProvider(SmsProvider, EmailProvider, Protocol):
    """
    Sends both text messages and emails.

    .. versionadded:: 0.1.0
    """


ProviderFactory: TypeAlias = Callable[
    [Mapping[str, Any]], SmsProvider | EmailProvider | DualProvider
]
"""
Builds a provider from its settings mapping; registered under `PROVIDER_ENTRY_POINT_GROUP`.

The mapping holds the provider's configured settings plus ``name`` (the configured
provider name, which the provider should use as its ``name``).

.. versionadded:: 0.1.0
"""

"""The Twilio provider: SMS through the Twilio Messages API.

``POST {base_url}/2010-04-01/Accounts/{account_sid}/Messages.json``, form-encoded, with
basic auth ``account_sid:auth_token``. Twilio's message statuses and error codes map onto
ours through `map_twilio_status`, which the status-callback route uses too.

Twilio takes no idempotency key on message creation, so a retry after a read timeout (the
request may have landed) can send twice; 5xx and 429 are rejections and safe to retry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import parse_qsl

import httpx

from simulator.domain.outbound import (
    OutboundSms,
    ProviderError,
    ProviderReceipt,
    ReceiptForm,
    ReceiptRules,
    ReceiptStatus,
)
from simulator.providers._http import (
    USER_AGENT,
    is_retryable_status,
    json_object,
    response_excerpt,
    transport_error,
)
from simulator.providers._settings import optional_str, provider_name, read_float, require_str

__all__ = [
    "TwilioProvider",
    "TwilioReceipts",
    "TwilioSettings",
    "map_twilio_status",
    "twilio_signature",
]

KIND: Final = "twilio"
DEFAULT_BASE_URL: Final = "https://api.twilio.com"
NOTIFICATION_ID_PLACEHOLDER: Final = "{notification_id}"

# Twilio message status -> ours, when no error code refines it.
# "sent" means a carrier took it and a delivery receipt may follow: Notify's interim
# "pending", not its "sent" (international, no receipts expected).
_STATUS_MAP: Final[Mapping[str, ReceiptStatus]] = {
    "queued": "sending",
    "accepted": "sending",
    "scheduled": "sending",
    "sending": "sending",
    "sent": "pending",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "temporary-failure",
    "failed": "technical-failure",
    "canceled": "technical-failure",
}

# Twilio error code -> ours. Recipient problems are permanent, handset or network trouble
# is temporary, and account or sender problems are technical (Notify's "not charged").
_ERROR_CODE_MAP: Final[Mapping[str, ReceiptStatus]] = {
    "21211": "permanent-failure",  # invalid 'To' number
    "21214": "permanent-failure",  # 'To' number cannot be reached
    "21217": "permanent-failure",  # number does not appear to be valid
    "21610": "permanent-failure",  # recipient replied STOP (unsubscribed)
    "21612": "permanent-failure",  # cannot route to this number
    "21614": "permanent-failure",  # 'To' is not a mobile number
    "30004": "permanent-failure",  # message blocked by the recipient
    "30005": "permanent-failure",  # unknown destination handset
    "30006": "permanent-failure",  # landline or unreachable carrier
    "30007": "permanent-failure",  # carrier violation (filtered); resending won't help
    "30003": "temporary-failure",  # unreachable handset (phone off)
    "30008": "temporary-failure",  # unknown error
    "30009": "temporary-failure",  # missing segment
    "30017": "temporary-failure",  # carrier network congestion
    "21408": "technical-failure",  # region not enabled on the account
    "21606": "technical-failure",  # 'From' number cannot send
    "21608": "technical-failure",  # trial account, unverified recipient
    "30001": "technical-failure",  # queue overflow
    "30002": "technical-failure",  # account suspended
    "30010": "technical-failure",  # price exceeds max price
    "30034": "technical-failure",  # unregistered A2P 10DLC sender
}


def map_twilio_status(message_status: str, error_code: str | int | None = None) -> ReceiptStatus:
    """
    Map a Twilio message status (and error code, if any) onto a Notify status.

    The error code decides for ``undelivered`` and ``failed`` when it is known. Unknown or
    inbound-only statuses (``receiving``, ``received``) map to ``sending``: nothing final.

    .. versionadded:: 0.1.0
    """
    status = message_status.strip().lower()
    if status in ("undelivered", "failed"):
        code = str(error_code).strip() if error_code not in (None, "") else ""
        if code in _ERROR_CODE_MAP:
            return _ERROR_CODE_MAP[code]
    return _STATUS_MAP.get(status, "sending")


def twilio_signature(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """
    Twilio's request signature: base64 HMAC-SHA1, keyed with the auth token, of the full
    URL followed by every POST parameter's name and value, sorted by name.
    """
    payload = url + "".join(f"{key}{value}" for key, value in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _field(pairs: Mapping[str, str], name: str) -> str | None:
    value = pairs.get(name, "").strip()
    return value or None


class TwilioReceipts:
    """Twilio's status callbacks (ReceiptRules): POST /sandbox/v1/receipts/twilio.

    Twilio POSTs a url-encoded form (``MessageSid``, ``MessageStatus``, ``ErrorCode``, ...)
    to the ``StatusCallback`` URL the provider sent with each message, signed in
    ``X-Twilio-Signature`` with the account's auth token.
    """

    title = "Twilio"
    signature_header = "X-Twilio-Signature"
    media_type = "application/x-www-form-urlencoded"
    # a status callback is a dozen short fields; anything near this is not from Twilio
    max_bytes = 64 * 1024
    required_fields = "MessageSid and MessageStatus"

    def parse(self, body: bytes) -> ReceiptForm:
        # strict UTF-8 for the bytes and for %-escapes, so no text that cannot be stored;
        # UnicodeDecodeError is a ValueError
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict")
        first: dict[str, str] = {}
        for name, value in pairs:
            first.setdefault(name, value)
        return ReceiptForm(
            reference=_field(first, "MessageSid"),
            provider_status=_field(first, "MessageStatus") or _field(first, "SmsStatus"),
            error_code=_field(first, "ErrorCode"),
            fields=tuple(pairs),
        )

    def signed(
        self,
        settings: Mapping[str, Any],
        form: ReceiptForm,
        signature: str,
        *,
        received_url: str,
        notification_id: str | None,
    ) -> bool:
        token = settings.get("auth_token")
        if not isinstance(token, str) or not token or not signature:
            return False
        urls = []
        configured = settings.get("status_callback_url")
        if isinstance(configured, str) and configured and notification_id is not None:
            # exactly what the provider sent Twilio as StatusCallback
            urls.append(configured.replace(NOTIFICATION_ID_PLACEHOLDER, notification_id))
        urls.append(received_url)
        return any(
            hmac.compare_digest(
                twilio_signature(token, url, form.fields).encode(), signature.encode()
            )
            for url in urls
        )

    def status_for(self, provider_status: str, error_code: str | None) -> ReceiptStatus:
        return map_twilio_status(provider_status, error_code)


@dataclass(frozen=True, slots=True)
class TwilioSettings:
    """
    Settings: ``account_sid``, ``auth_token`` (both required), ``from_number`` (overrides
    the notification's sender), ``messaging_service_sid`` (sent instead of From),
    ``status_callback_url`` (``{notification_id}`` in it is filled in), ``base_url``,
    ``timeout`` (seconds, 10).

    .. versionadded:: 0.1.0
    """

    name: str
    account_sid: str
    auth_token: str = field(repr=False)
    from_number: str | None = None
    messaging_service_sid: str | None = None
    status_callback_url: str | None = None
    base_url: str = DEFAULT_BASE_URL
    timeout: float = 10.0

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> TwilioSettings:
        name = provider_name(settings, KIND)
        return cls(
            name=name,
            account_sid=require_str(settings, "account_sid", name),
            auth_token=require_str(settings, "auth_token", name),
            from_number=optional_str(settings, "from_number", None, provider=name),
            messaging_service_sid=optional_str(
                settings, "messaging_service_sid", None, provider=name
            ),
            status_callback_url=optional_str(settings, "status_callback_url", None, provider=name),
            base_url=optional_str(settings, "base_url", DEFAULT_BASE_URL, provider=name)
            or DEFAULT_BASE_URL,
            timeout=read_float(settings, "timeout", 10.0, name),
        )

    @property
    def messages_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/2010-04-01/Accounts/{self.account_sid}/Messages.json"


class TwilioProvider:
    """
    SMS through Twilio; the receipt's ``provider_reference`` is the message SID.

    .. versionadded:: 0.1.0
    """

    # offered through the entry point: the receipt route and how it reads Twilio's forms
    receipts: Final[ReceiptRules] = TwilioReceipts()

    __slots__ = ("_client", "_owns_client", "name", "settings")

    def __init__(
        self, settings: Mapping[str, Any], *, client: httpx.AsyncClient | None = None
    ) -> None:
        self.settings = TwilioSettings.from_mapping(settings)
        self.name = self.settings.name
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=self.settings.timeout)

    async def send_sms(self, message: OutboundSms) -> ProviderReceipt:
        try:
            response = await self._client.post(
                self.settings.messages_url,
                data=self._form(message),
                auth=httpx.BasicAuth(self.settings.account_sid, self.settings.auth_token),
                headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
                timeout=self.settings.timeout,
            )
        except httpx.HTTPError as exc:
            raise transport_error(exc, self.name) from exc
        if response.is_success:
            return self._accepted(response)
        return self._rejected(response)

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    def _form(self, message: OutboundSms) -> dict[str, str]:
        form = {"To": f"+{message.normalised_to}", "Body": message.body}
        if self.settings.messaging_service_sid:
            form["MessagingServiceSid"] = self.settings.messaging_service_sid
        else:
            form["From"] = self.settings.from_number or _twilio_sender(message.sender)
        if self.settings.status_callback_url:
            form["StatusCallback"] = self.settings.status_callback_url.replace(
                NOTIFICATION_ID_PLACEHOLDER, message.notification_id
            )
        return form

    def _accepted(self, response: httpx.Response) -> ProviderReceipt:
        data = json_object(response)
        sid = data.get("sid")
        return ProviderReceipt(
            provider=self.name,
            status=map_twilio_status(str(data.get("status") or "queued"), data.get("error_code")),
            provider_reference=str(sid) if sid else None,
        )

    def _rejected(self, response: httpx.Response) -> ProviderReceipt:
        data = json_object(response)
        code = str(data.get("code") or "")
        detail = f"{self.name}: HTTP {response.status_code}: Twilio error {code or '?'}: " + str(
            data.get("message") or response_excerpt(response)
        )
        # a bad recipient is the recipient's problem: no retry, no failover
        if response.status_code == 400 and _ERROR_CODE_MAP.get(code) == "permanent-failure":
            return ProviderReceipt(provider=self.name, status="permanent-failure", detail=detail)
        raise ProviderError(detail, retryable=is_retryable_status(response.status_code))

    def __repr__(self) -> str:
        return f"TwilioProvider(name={self.name!r})"


def _twilio_sender(sender: str) -> str:
    # numeric senders are E.164 digits; alphanumeric sender IDs ("GOVUK") go as they are
    return f"+{sender}" if sender.isdigit() else sender

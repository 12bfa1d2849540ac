"""The webhook provider: POSTs a JSON description of each message to a URL.

Request body: ``{"type": "sms" | "email", ...every field of OutboundSms/OutboundEmail}``.
Headers: ``Idempotency-Key: <notification_id>`` (a receiver that honours it makes retries
safe), ``Authorization: Bearer <bearer_token>`` when configured.

Response: any 2xx is a hand-off. A JSON body may set ``status`` (one of the receipt
statuses; default ``sending``) and ``provider_reference`` (or ``id``). 429, 5xx, timeouts
and network errors are retryable; any other status is not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Final

import httpx

from simulator.domain.outbound import (
    OutboundEmail,
    OutboundMessage,
    OutboundSms,
    ProviderError,
    ProviderReceipt,
    is_receipt_status,
)
from simulator.providers._http import (
    USER_AGENT,
    is_retryable_status,
    json_object,
    response_excerpt,
    transport_error,
)
from simulator.providers._settings import optional_str, provider_name, read_float, require_str

__all__ = ["WebhookProvider", "WebhookSettings"]

KIND: Final = "webhook"


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    """
    Settings: ``url`` (required, http or https), ``bearer_token``, ``timeout`` (seconds, 5).

    .. versionadded:: 0.1.0
    """

    name: str
    url: str
    bearer_token: str | None = field(default=None, repr=False)
    timeout: float = 5.0

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> WebhookSettings:
        name = provider_name(settings, KIND)
        url = require_str(settings, "url", name)
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"provider {name!r}: setting 'url' must be an http(s) URL")
        return cls(
            name=name,
            url=url,
            bearer_token=optional_str(settings, "bearer_token", None, provider=name),
            timeout=read_float(settings, "timeout", 5.0, name),
        )


class WebhookProvider:
    """
    Both channels, over HTTP POST with httpx.

    .. versionadded:: 0.1.0
    """

    __slots__ = ("_client", "_owns_client", "name", "settings")

    def __init__(
        self, settings: Mapping[str, Any], *, client: httpx.AsyncClient | None = None
    ) -> None:
        self.settings = WebhookSettings.from_mapping(settings)
        self.name = self.settings.name
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=self.settings.timeout)

    async def send_sms(self, message: OutboundSms) -> ProviderReceipt:
        return await self._post("sms", message)

    async def send_email(self, message: OutboundEmail) -> ProviderReceipt:
        return await self._post("email", message)

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def _post(self, kind: str, message: OutboundMessage) -> ProviderReceipt:
        payload = {"type": kind, **asdict(message)}
        try:
            response = await self._client.post(
                self.settings.url,
                json=payload,
                headers=self._headers(message.notification_id),
                timeout=self.settings.timeout,
            )
        except httpx.HTTPError as exc:
            raise transport_error(exc, self.name) from exc
        if response.is_success:
            return self._receipt(response)
        raise ProviderError(
            f"{self.name}: HTTP {response.status_code}: {response_excerpt(response)}",
            retryable=is_retryable_status(response.status_code),
        )

    def _headers(self, notification_id: str) -> dict[str, str]:
        headers = {"Idempotency-Key": notification_id, "User-Agent": USER_AGENT}
        if self.settings.bearer_token:
            headers["Authorization"] = f"Bearer {self.settings.bearer_token}"
        return headers

    def _receipt(self, response: httpx.Response) -> ProviderReceipt:
        data = json_object(response)
        status = data.get("status")
        reference = data.get("provider_reference") or data.get("id")
        return ProviderReceipt(
            provider=self.name,
            status=status if is_receipt_status(status) else "sending",
            provider_reference=str(reference) if reference is not None else None,
        )

    def __repr__(self) -> str:
        return f"WebhookProvider(name={self.name!r})"

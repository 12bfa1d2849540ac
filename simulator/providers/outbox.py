"""The default provider: accepts everything, sends nothing.

The delivery worker stores every rendered message whichever provider sends it, so the
outbox has nothing left to do but say "delivered".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from simulator.domain.outbound import OutboundEmail, OutboundSms, ProviderReceipt
from simulator.providers._settings import provider_name

__all__ = ["OutboxProvider"]

KIND: Final = "outbox"


class OutboxProvider:
    """
    Both channels; nothing leaves the machine.

    Settings: none (``name`` is optional).

    .. versionadded:: 0.1.0
    """

    __slots__ = ("name",)

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        self.name = provider_name(settings or {}, KIND)

    async def send_sms(self, message: OutboundSms) -> ProviderReceipt:
        return self._receipt(message.notification_id)

    async def send_email(self, message: OutboundEmail) -> ProviderReceipt:
        return self._receipt(message.notification_id)

    async def aclose(self) -> None:
        return None

    def _receipt(self, notification_id: str) -> ProviderReceipt:
        return ProviderReceipt(
            provider=self.name,
            status="delivered",
            provider_reference=f"outbox-{notification_id}",
        )

    def __repr__(self) -> str:
        return f"OutboxProvider(name={self.name!r})"

"""Deciding which callbacks a status change or an inbound text owes the service."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from simulator.domain.callback_health import is_suspended
from simulator.domain.callbacks import (
    CallbackRecord,
    delivery_status_payload,
    gc_delivery_status_payload,
    inbound_sms_payload,
    triggers_delivery_callback,
)
from simulator.domain.models import Notification, ReceivedText, Status
from simulator.domain.ports import Transition
from simulator.domain.simulation import SimulationRules
from simulator.domain.status_texts import provider_response, status_description
from simulator.gateway.directory import ServiceDirectory

__all__ = ["CallbackPlanner"]


class CallbackPlanner:
    def __init__(
        self,
        directory: ServiceDirectory,
        *,
        status_descriptions: Mapping[str, Mapping[str, str]] | None = None,
        simulation: SimulationRules | None = None,
    ) -> None:
        self._directory = directory
        # set (GC): payloads carry status_description and provider_response
        self._descriptions = status_descriptions
        self._simulation = simulation or SimulationRules()

    async def _configured(self, service_id: str, kind: str) -> bool:
        entry = await self._directory.entry(service_id)
        if entry is None or kind not in entry.service.callbacks:
            return False
        # GC queues nothing for a suspended callback (app/notifications/callbacks.py)
        return not is_suspended(entry.service.callbacks[kind])

    async def for_status(
        self, n: Notification, status: Status, at: datetime, sent_at: datetime | None
    ) -> CallbackRecord | None:
        if not triggers_delivery_callback(status):
            return None
        if not await self._configured(n.service_id, "delivery_status"):
            return None
        return CallbackRecord(
            id=str(uuid.uuid4()),
            service_id=n.service_id,
            kind="delivery_status",
            subject_id=n.id,
            payload=self._payload(n, status, at, sent_at),
            created_at=at,
        )

    def _payload(
        self, n: Notification, status: Status, at: datetime, sent_at: datetime | None
    ) -> dict[str, Any]:
        if self._descriptions is None:
            return delivery_status_payload(n, status, at, sent_at)
        return gc_delivery_status_payload(
            n,
            status,
            at,
            sent_at,
            status_description=status_description(n, self._descriptions, status),
            provider_response=provider_response(n, self._simulation, status),
        )

    async def services_with_callbacks(self) -> list[str]:
        return await self._directory.services_with_callbacks("delivery_status")

    async def attach(self, n: Notification, t: Transition) -> Transition:
        """The transition, carrying the callback it owes (queued only if it applies)."""
        if t.status is t.expected:
            return t
        sent_at = t.at if t.set_sent_at else n.sent_at
        record = await self.for_status(n, t.status, t.at, sent_at)
        if record is None:
            return t
        return replace(t, callback=record)

    async def for_inbound(self, text: ReceivedText) -> CallbackRecord | None:
        if not await self._configured(text.service_id, "inbound_sms"):
            return None
        return CallbackRecord(
            id=str(uuid.uuid4()),
            service_id=text.service_id,
            kind="inbound_sms",
            subject_id=text.id,
            payload=inbound_sms_payload(text),
            created_at=text.created_at,
        )

"""A service's callback settings and its received texts: set, remove, list, inject (issue 7).

One home for what the admin API and the dashboard both do.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from simulator.delivery.callbacks import CallbackSender
from simulator.domain.callback_health import FAILED_AT, SUSPENDED, SUSPENDED_AT
from simulator.domain.callbacks import CALLBACK_KINDS, check_callback_settings
from simulator.domain.clock import SandboxClock
from simulator.domain.errors import BadRequestError, NotifyError
from simulator.domain.models import ReceivedText, Service
from simulator.domain.ports import CallbackStore, Store
from simulator.domain.recipients import normalise_phone_for_matching
from simulator.gateway.callback_planner import CallbackPlanner
from simulator.gateway.service_admin import ServiceAdmin
from simulator.gateway.timelines import StoredTimelines

__all__ = ["ServiceCallbacks", "masked_callback"]


def masked_callback(settings: dict[str, str]) -> dict[str, str]:
    token = settings["bearer_token"]
    return {"url": settings["url"], "bearer_token": f"{token[:2]}{'*' * (len(token) - 2)}"}


def _kind(kind: str) -> str:
    kind = kind.replace("-", "_")
    if kind not in CALLBACK_KINDS:
        raise NotifyError("No result found", status_code=404, error="NoResultFound")
    return kind


class ServiceCallbacks:
    def __init__(
        self,
        *,
        store: Store,
        service_admin: ServiceAdmin,
        planner: CallbackPlanner,
        sender: CallbackSender,
        clock: SandboxClock,
        invalidate: Callable[[str], None],
        publish: Callable[[], None],
        allow_http: bool,
        callback_store: CallbackStore,
        timelines: StoredTimelines,
        suspendable: frozenset[str] = frozenset(),
    ) -> None:
        self._timelines = timelines
        self._suspendable = suspendable
        self._callback_store = callback_store
        self._store = store
        self._admin = service_admin
        self._planner = planner
        self._sender = sender
        self._clock = clock
        self._invalidate = invalidate
        self._publish = publish
        self._allow_http = allow_http

    async def set(self, service_id: str, kind: str, url: object, token: object) -> Service:
        kind = _kind(kind)
        settings = check_callback_settings(
            url, token, allow_http=self._allow_http, guard=self._sender.guard
        )
        service = await self._admin.service(service_id)
        # a change of URL or token does not lift a suspension (in GC only support does),
        # nor start a new count of failures
        kept = {
            k: v
            for k, v in service.callbacks.get(kind, {}).items()
            if k in (SUSPENDED, SUSPENDED_AT, FAILED_AT)
        }
        callbacks = {
            **service.callbacks,
            kind: {"url": settings.url, "bearer_token": settings.bearer_token, **kept},
        }
        saved = await self._save(replace(service, callbacks=callbacks))
        if kind == "delivery_status":  # the steps still to come owe it
            await self._timelines.callbacks_set(service.id)
        if kind in self._suspendable:  # GC pings a callback that is set up or changed
            self._sender.check_health_soon(service.id, kind, settings.url, settings.bearer_token)
        return saved

    async def check_health(self, service_id: str, kind: str) -> dict[str, Any] | None:
        """GC's health-check ping sent now, and how it went; None when no such callback."""
        service = await self._admin.service(service_id)
        settings = service.callbacks.get(kind)
        if settings is None:
            return None
        return await self._sender.check_health(
            service.id, kind, settings["url"], settings["bearer_token"]
        )

    async def remove(self, service_id: str, kind: str) -> Service:
        kind = _kind(kind)
        service = await self._admin.service(service_id)
        callbacks = {k: v for k, v in service.callbacks.items() if k != kind}
        return await self._save(replace(service, callbacks=callbacks))

    async def _save(self, service: Service) -> Service:
        await self._store.save_service(service)
        self._invalidate(service.id)
        return service

    async def sent_for(self, subject_id: str) -> list[dict[str, Any]]:
        """The callbacks owed for a notification or received text, and how each went."""
        return await self._callback_store.for_subject(subject_id)

    async def received_texts(self, service_id: str, limit: int = 100) -> list[ReceivedText]:
        service = await self._admin.service(service_id)
        since = self._clock.now() - timedelta(days=service.data_retention_days)
        return await self._store.list_received_texts(service.id, None, since, limit)

    async def inject_text(
        self, service_id: str, user_number: object, content: object, notify_number: object = None
    ) -> ReceivedText:
        """A text as if a phone had sent it to the service."""
        service = await self._admin.service(service_id)
        if not isinstance(user_number, str) or normalise_phone_for_matching(user_number) is None:
            raise BadRequestError("user_number is not a valid phone number")
        if not isinstance(content, str) or not content:
            raise BadRequestError("content is a required property")
        text = ReceivedText(
            id=str(uuid.uuid4()),
            service_id=service.id,
            user_number=normalise_phone_for_matching(user_number) or user_number,
            notify_number=str(notify_number or _inbound_number(service)),
            content=content,
            created_at=self._clock.unique_now(),
        )
        callback = await self._planner.for_inbound(text)
        await self._store.add_received_text(text, callback=callback)
        if callback is not None:
            self._sender.notify_due()
        self._publish()
        return text


def _inbound_number(service: Service) -> str:
    """Texts arrive at a number: the first sender that is one, else the default sender."""
    numbers = [s.sender for s in service.sms_senders if s.sender.lstrip("+").isdigit()]
    if numbers:
        return numbers[0]
    default = service.default_sms_sender()
    return default.sender if default else ""

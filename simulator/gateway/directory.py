"""A short-lived cache of services, keys and templates in front of the store.

Notify caches a service's keys for 2 s; the sandbox does the same so that
replicas sharing a database see each other's changes quickly, and invalidates
at once on a local change (a revoke must bite on the very next request).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from simulator.domain.models import ApiKey, Service, Template
from simulator.domain.ports import DirectoryStore

__all__ = ["ServiceDirectory", "ServiceEntry"]


@dataclass(slots=True)
class ServiceEntry:
    service: Service
    keys: list[ApiKey]
    templates: dict[str, Template]
    loaded_at: float


class ServiceDirectory:
    def __init__(self, store: DirectoryStore, *, ttl: float = 2.0) -> None:
        self._store = store
        self._ttl = ttl
        self._entries: dict[str, ServiceEntry] = {}
        self._missing: dict[str, float] = {}
        self._callback_services: tuple[int, float, list[str]] | None = None
        self.generation = 0  # bumped on every invalidation, for caches layered above

    async def entry(self, service_id: str) -> ServiceEntry | None:
        now = time.monotonic()
        cached = self._entries.get(service_id)
        if cached is not None and now - cached.loaded_at < self._ttl:
            return cached
        if service_id in self._missing and now - self._missing[service_id] < self._ttl:
            return None
        service = await self._store.get_service(service_id)
        if service is None:
            self._missing[service_id] = now
            self._entries.pop(service_id, None)
            return None
        keys = await self._store.get_keys(service_id)
        templates = {t.id: t for t in await self._store.list_templates(service_id)}
        entry = ServiceEntry(service, keys, templates, now)
        if cached is not None and _keys_changed(cached.keys, keys):
            self.generation += 1
        self._entries[service_id] = entry
        self._missing.pop(service_id, None)
        return entry

    async def services_with_callbacks(self, kind: str = "delivery_status") -> list[str]:
        """Ids of services owed callbacks of a kind; cached like everything else here."""
        now = time.monotonic()
        cached = self._callback_services
        if cached is not None and cached[0] == self.generation and now - cached[1] < self._ttl:
            return cached[2]
        generation = self.generation
        ids = [s.id for s in await self._store.list_services() if kind in s.callbacks]
        self._callback_services = (generation, now, ids)
        return ids

    async def template_version(
        self, service_id: str, template_id: str, version: int
    ) -> Template | None:
        return await self._store.get_template(service_id, template_id, version)

    def invalidate(self, service_id: str | None = None) -> None:
        self.generation += 1
        if service_id is None:
            self._entries.clear()
            self._missing.clear()
        else:
            self._entries.pop(service_id, None)
            self._missing.pop(service_id, None)


def _keys_changed(old: list[ApiKey], new: list[ApiKey]) -> bool:
    def shape(keys: list[ApiKey]) -> list[tuple[object, ...]]:
        return [(k.id, k.revoked_at, k.expires_at, k.permissions) for k in keys]

    return shape(old) != shape(new)

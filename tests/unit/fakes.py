"""In-memory fakes of the ports, for unit tests of the gateway's use cases.

They keep what a real store keeps and nothing else, so a use case can be tested for
what it decides (errors, what it saves, which events it records) without a database.
The storage contract suite holds the real adapters to the same behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from simulator.domain.models import ApiKey, Service, Template


class FakeClock:
    def __init__(self, start: datetime = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)) -> None:
        self.moment = start

    def now(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@dataclass
class FakeDirectoryStore:
    """DirectoryStore in dictionaries."""

    services: dict[str, Service] = field(default_factory=dict)
    keys: dict[str, ApiKey] = field(default_factory=dict)
    templates: dict[tuple[str, int], Template] = field(default_factory=dict)
    events: list[tuple[str, str, str, str | None, datetime]] = field(default_factory=list)

    async def get_service(self, service_id: str) -> Service | None:
        return self.services.get(service_id)

    async def list_services(self) -> list[Service]:
        return sorted(self.services.values(), key=lambda s: s.name)

    async def save_service(self, service: Service) -> None:
        self.services[service.id] = service

    async def get_keys(self, service_id: str) -> list[ApiKey]:
        found = [k for k in self.keys.values() if k.service_id == service_id]
        return sorted(found, key=lambda k: k.created_at)

    async def find_key_by_secret(self, secret: str) -> ApiKey | None:
        return next((k for k in self.keys.values() if k.secret == secret), None)

    async def save_key(self, key: ApiKey) -> None:
        stored = self.keys.get(key.id)
        if stored is not None:  # as the real upsert: secret and creation never change
            key = replace(
                key,
                secret=stored.secret,
                created_at=stored.created_at,
                revoked_at=stored.revoked_at or key.revoked_at,
                revoke_after=stored.revoke_after or key.revoke_after,
            )
        self.keys[key.id] = key

    async def delete_key(self, key_id: str) -> None:
        self.keys.pop(key_id, None)

    async def touch_keys(
        self, last_used: dict[str, datetime], requests: dict[str, int] | None = None
    ) -> None:
        for key_id, at in last_used.items():
            key = self.keys[key_id]
            count = key.request_count + (requests or {}).get(key_id, 0)
            self.keys[key_id] = replace(key, last_used_at=at, request_count=count)

    async def add_key_event(
        self, key_id: str, service_id: str, event: str, detail: str | None, at: datetime
    ) -> None:
        self.events.append((key_id, service_id, event, detail, at))

    async def list_key_events(self, key_id: str, limit: int = 100) -> list[dict[str, object]]:
        mine = [e for e in self.events if e[0] == key_id][::-1][:limit]
        return [{"event": e[2], "detail": e[3], "at": e[4]} for e in mine]

    async def sends_by_key(self, key_id: str, since: datetime | None = None) -> dict[str, int]:
        return {}

    async def get_template(
        self, service_id: str, template_id: str, version: int | None = None
    ) -> Template | None:
        versions = [
            t
            for (tid, _), t in self.templates.items()
            if tid == template_id and t.service_id == service_id
        ]
        if version is not None:
            versions = [t for t in versions if t.version == version]
        return max(versions, key=lambda t: t.version, default=None)

    async def list_templates(self, service_id: str) -> list[Template]:
        latest: dict[str, Template] = {}
        for t in self.templates.values():
            if t.service_id == service_id and t.version >= latest.get(t.id, t).version:
                latest[t.id] = t
        return list(latest.values())

    async def save_template(self, template: Template) -> None:
        self.templates[(template.id, template.version)] = template

    def event_names(self, key_id: str) -> list[str]:
        return [e[2] for e in self.events if e[0] == key_id]

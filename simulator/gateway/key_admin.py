"""Managing API keys: create, list, edit, revoke, delete, rotate (issue 6, seeds 000-004)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from simulator.domain.admin_ranges import moment_in_range, whole_number
from simulator.domain.clock import Clock
from simulator.domain.errors import BadRequestError
from simulator.domain.keys import (
    TIERS,
    check_can_create,
    check_can_delete,
    check_key_name,
    check_permissions,
)
from simulator.domain.messages import UK_MESSAGES, Messages
from simulator.domain.models import ApiKey, KeyType
from simulator.domain.ports import DirectoryStore, KeyEvent
from simulator.gateway.directory import ServiceDirectory

__all__ = ["CreatedKey", "KeyManager", "parse_time"]

_EDITABLE = {"name", "description", "permissions", "expires_at", "tier"}


@dataclass(frozen=True, slots=True)
class CreatedKey:
    key: ApiKey
    full_key: str  # shown once, never again


def parse_time(value: Any, field: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequestError(f"{field} must be an ISO 8601 date and time")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise BadRequestError(f"{field} must be an ISO 8601 date and time") from error
    if parsed.tzinfo is None:
        raise BadRequestError(f"{field} must include a time zone, for example 2030-01-01T00:00:00Z")
    return moment_in_range(field, parsed)


class KeyManager:
    def __init__(
        self,
        *,
        store: DirectoryStore,
        directory: ServiceDirectory,
        clock: Clock,
        key_prefix: str,
        on_change: Callable[[str], None],
        messages: Messages = UK_MESSAGES,
    ) -> None:
        self._messages = messages
        self._store = store
        self._directory = directory
        self._clock = clock
        self._prefix = key_prefix
        self._on_change = on_change

    async def _service_keys(self, service_id: str) -> tuple[bool, list[ApiKey]]:
        service = await self._store.get_service(service_id)
        if service is None:
            raise self._messages.no_result_error()
        return service.restricted, await self._store.get_keys(service_id)

    async def key(self, service_id: str, key_id: str) -> ApiKey:
        _, keys = await self._service_keys(service_id)
        found = next((k for k in keys if k.id == key_id), None)
        if found is None:
            raise self._messages.no_result_error()
        return found

    async def keys(self, service_id: str) -> list[ApiKey]:
        return (await self._service_keys(service_id))[1]

    async def create(self, service_id: str, data: Mapping[str, Any]) -> CreatedKey:
        restricted, existing = await self._service_keys(service_id)
        try:
            key_type = KeyType(data.get("key_type", data.get("type")))
        except ValueError as error:
            raise BadRequestError("key_type must be one of [test, team, normal]") from error
        check_can_create(key_type, restricted=restricted, existing=existing)
        now = self._clock.now()
        key = ApiKey(
            id=str(uuid.uuid4()),
            service_id=service_id,
            name=check_key_name(data.get("name")),
            key_type=key_type,
            secret=str(uuid.uuid4()),
            created_at=now,
            created_by=str(data.get("created_by") or "admin"),
            description=_description(data.get("description")),
            permissions=check_permissions(data.get("permissions")),
            expires_at=self._future(data.get("expires_at")),
        )
        key = self._with_limits(key, data)
        await self._store.save_key(key)
        await self._log(key, "created", f"type={key.key_type.value}")
        self._on_change(service_id)
        return CreatedKey(key, key.full_key(self._prefix))

    async def edit(self, service_id: str, key_id: str, data: Mapping[str, Any]) -> ApiKey:
        key = await self.key(service_id, key_id)
        forbidden = sorted(set(data) - _EDITABLE - {"per_minute_limit", "per_day_limit"})
        if forbidden:
            raise BadRequestError(
                f"{', '.join(forbidden)} cannot be changed: only name, description, "
                "permissions, expiry and limits can be edited"
            )
        changes: dict[str, Any] = {}
        if "name" in data:
            changes["name"] = check_key_name(data["name"])
        if "description" in data:
            changes["description"] = _description(data["description"])
        if "permissions" in data:
            changes["permissions"] = check_permissions(data["permissions"])
        if "expires_at" in data:
            changes["expires_at"] = self._future(data["expires_at"])
        edited = self._with_limits(replace(key, **changes), data)
        await self._store.save_key(edited)
        await self._log(key, "edited", ", ".join(sorted(data)))
        self._on_change(service_id)
        return edited

    async def revoke(
        self, service_id: str, key_id: str, *, after: timedelta | None = None
    ) -> ApiKey:
        key = await self.key(service_id, key_id)
        now = self._clock.now()
        if key.is_revoked(now):
            raise BadRequestError("This API key is already revoked. Revoking cannot be undone")
        # a grace period schedules the revocation; without one it is final at once
        revoked = replace(key, revoke_after=now + after) if after else replace(key, revoked_at=now)
        await self._store.save_key(revoked)
        detail = f"grace={int(after.total_seconds())}s" if after else None
        await self._log(key, "revoked", detail)
        self._on_change(service_id)
        return revoked

    async def delete(self, service_id: str, key_id: str) -> None:
        key = await self.key(service_id, key_id)
        check_can_delete(await self.keys(service_id))
        await self._store.delete_key(key.id)
        await self._log(key, "deleted", None)
        self._on_change(service_id)

    async def rotate(self, service_id: str, key_id: str, grace_seconds: int) -> CreatedKey:
        old = await self.key(service_id, key_id)
        if old.is_revoked(self._clock.now()) or old.revoke_after is not None:
            raise BadRequestError("A revoked key cannot be rotated. Create a new key instead")
        created = await self.create(
            service_id,
            {
                "name": old.name,
                "key_type": old.key_type.value,
                "permissions": sorted(old.permissions),
                "description": old.description,
                "tier": old.tier,
                "per_minute_limit": old.per_minute_limit,
                "per_day_limit": old.per_day_limit,
                "expires_at": _iso(self._same_lifetime(old)),
            },
        )
        # the old key goes only once its replacement exists
        await self.revoke(service_id, key_id, after=timedelta(seconds=grace_seconds))
        await self._log(old, "rotated", f"replaced_by={created.key.id}")
        return created

    def _same_lifetime(self, old: ApiKey) -> datetime | None:
        """A replacement lives as long as its predecessor was meant to, from now.

        Copying the old date would make rotating an expired key impossible, and give
        the new key only what was left of the old one's life.
        """
        if old.expires_at is None:
            return None
        lifetime = old.expires_at - old.created_at
        return self._clock.now() + lifetime if lifetime > timedelta(0) else None

    async def sends(self, key: ApiKey) -> dict[str, int]:
        """Messages sent with the key, by channel (what its page and the API show)."""
        return await self._store.sends_by_key(key.id)

    async def activity(self, key: ApiKey, limit: int = 100) -> list[KeyEvent]:
        """The key's log: created, edited, revoked, refused, rate-limited."""
        return await self._store.list_key_events(key.id, limit)

    async def record(self, key: ApiKey, event: str, detail: str | None) -> None:
        await self._log(key, event, detail)

    async def _log(self, key: ApiKey, event: str, detail: str | None) -> None:
        await self._store.add_key_event(key.id, key.service_id, event, detail, self._clock.now())

    def _future(self, value: Any) -> datetime | None:
        moment = parse_time(value, "expires_at")
        if moment is not None and moment <= self._clock.now():
            raise BadRequestError("expires_at must be in the future")
        return moment

    @staticmethod
    def _with_limits(key: ApiKey, data: Mapping[str, Any]) -> ApiKey:
        tier = data.get("tier", key.tier)
        if tier is not None and tier not in TIERS:
            raise BadRequestError(f"tier {tier} is not one of [{', '.join(TIERS)}]")
        changes: dict[str, Any] = {"tier": tier}
        for field in ("per_minute_limit", "per_day_limit"):
            if field in data:
                value = data[field]
                changes[field] = None if value is None else whole_number(field, value)
        return replace(key, **changes)


def _description(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 1000:
        raise BadRequestError("description must be text of at most 1000 characters")
    return value


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None

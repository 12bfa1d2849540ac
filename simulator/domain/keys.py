"""Rules for API keys: names, types, permissions, tiers, the 10-key cap.

The seeds say: a trial service may create test and team keys only; at most 10
keys a service (delete an unused one first); the last key cannot be deleted
(create a new one first); a secret is shown once; revocation is final.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from simulator.domain.errors import BadRequestError, NotifyError
from simulator.domain.models import ApiKey, KeyType

__all__ = [
    "ALL_PERMISSIONS",
    "MAX_KEYS_PER_SERVICE",
    "TIERS",
    "ForbiddenError",
    "KeyStatus",
    "Tier",
    "check_can_create",
    "check_can_delete",
    "check_key_name",
    "check_permissions",
    "has_permission",
    "key_status",
]

MAX_KEYS_PER_SERVICE = 10
ALL_PERMISSIONS = frozenset({"send", "read", "manage_templates", "manage_reports", "admin"})


@dataclass(frozen=True, slots=True)
class Tier:
    per_minute: int
    per_day: int | None


TIERS = {
    "free": Tier(60, 10_000),
    "standard": Tier(300, 100_000),
    "premium": Tier(1_000, None),
}


class ForbiddenError(NotifyError):
    def __init__(self, message: str) -> None:
        super().__init__(message, status_code=403, error="ForbiddenError")


KeyStatus = str  # "active" | "revoked" | "expired"


def key_status(key: ApiKey, now: datetime) -> KeyStatus:
    if key.is_revoked(now):
        return "revoked"
    if key.expires_at is not None and key.expires_at <= now:
        return "expired"
    return "active"


def check_key_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise BadRequestError("name is a required property")
    if any(ch.isspace() for ch in name):
        raise BadRequestError(
            "name must not contain spaces: the .NET client rejects keys with spaces"
        )
    if len(name) > 255:
        raise BadRequestError("name must be 255 characters or fewer")
    return name


def check_permissions(permissions: object) -> frozenset[str]:
    if permissions is None:
        return ALL_PERMISSIONS
    if not isinstance(permissions, list) or not all(isinstance(p, str) for p in permissions):
        raise BadRequestError("permissions must be a list of strings")
    allowed = ", ".join(sorted(ALL_PERMISSIONS))
    unknown = sorted(set(permissions) - ALL_PERMISSIONS)
    if unknown:
        raise BadRequestError(f"permissions {', '.join(unknown)} not one of [{allowed}]")
    if not permissions:
        # an empty set is stored as '[]', which means "all" for keys made before permissions
        raise BadRequestError(f"permissions must name at least one of [{allowed}]")
    return frozenset(permissions)


def check_can_create(key_type: KeyType, *, restricted: bool, existing: Sequence[ApiKey]) -> None:
    if key_type is KeyType.NORMAL and restricted:
        raise BadRequestError(
            "A service in trial mode can only create test and team keys. "
            "Make the service live to create a live key"
        )
    if len(existing) >= MAX_KEYS_PER_SERVICE:
        raise BadRequestError(
            f"A service can have at most {MAX_KEYS_PER_SERVICE} API keys. "
            "Delete an unused key first"
        )


def check_can_delete(existing: Iterable[ApiKey]) -> None:
    if len(list(existing)) <= 1:
        raise BadRequestError(
            "You cannot delete the last API key of a service. "
            "Create a new key first, then delete the one you no longer need"
        )


def has_permission(key: ApiKey, permission: str) -> bool:
    granted = key.permissions or ALL_PERMISSIONS  # keys stored before permissions existed
    return permission in granted or "admin" in granted

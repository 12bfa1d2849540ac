"""Authenticating with the full key string instead of a JWT (issue 6, item 4).

GC Notify's `ApiKey-v1 <key>`, `Bearer <key>` (seed 004), `Basic <base64 key>`
(seed 003) and `?api_key=<key>` (seed 004). Each is off unless configured.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable
from typing import Protocol

from simulator.domain.errors import AuthError
from simulator.domain.messages import Messages
from simulator.domain.models import ApiKey
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.principal import Principal

__all__ = ["KeyStringAuth"]

_MIN_LENGTH = 74  # name, '-', two 36-character UUIDs and the '-' between them


class KeyFinder(Protocol):
    async def find_key_by_secret(self, secret: str) -> ApiKey | None: ...


class KeyStringAuth:
    def __init__(
        self,
        finder: KeyFinder,
        directory: ServiceDirectory,
        messages: Messages,
        *,
        key_prefix: str = "",
        checks_active_service: bool = True,
    ) -> None:
        # GC's ApiKey-v1 never looks at the service; its sends say "Service is suspended"
        self._checks_active = checks_active_service
        self._finder = finder
        self._directory = directory
        self._messages = messages
        self._prefix = key_prefix

    async def authenticate(
        self, scheme: str, value: str, check_usable: Callable[[ApiKey], None]
    ) -> Principal:
        full_key = self._decode(scheme, value)
        if self._prefix and not full_key.startswith(self._prefix):
            raise AuthError(self._messages.full_key_required)
        secret = full_key[-36:]
        stored = await self._finder.find_key_by_secret(secret)
        if stored is None or not hmac.compare_digest(stored.secret, secret):
            raise AuthError(self._messages.full_key_not_found)
        if (
            len(full_key) < _MIN_LENGTH + len(self._prefix)
            or full_key[-73:-37] != stored.service_id
        ):
            raise AuthError(self._messages.full_key_required)
        entry = await self._directory.entry(stored.service_id)
        if entry is None:
            raise AuthError(self._messages.service_not_found)
        if self._checks_active and not entry.service.active:
            raise AuthError(self._messages.service_archived)
        key = next((k for k in entry.keys if k.id == stored.id), stored)
        check_usable(key)
        return Principal(entry.service, key)

    def _decode(self, scheme: str, value: str) -> str:
        if scheme != "basic":
            return value.strip()
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise AuthError(self._messages.bad_token) from error
        # Basic credentials may arrive as "key:" (user name only)
        return decoded.rstrip(":")

"""Authenticate a v2 request exactly as GOV.UK Notify does (contract 1.2 and 1.3).

The check order matters: each step's failure text is part of the contract.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import jwt

from simulator.domain.clock import Clock
from simulator.domain.errors import AuthError
from simulator.domain.messages import Messages
from simulator.domain.models import ApiKey, Service
from simulator.gateway.directory import ServiceDirectory

__all__ = ["Authenticator", "Principal"]

_CLOCK_BOUND = 30
_REVOKED_VISIBLE_FOR = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Principal:
    service: Service
    key: ApiKey


class _SignatureMismatch(Exception):
    pass


class Authenticator:
    def __init__(self, directory: ServiceDirectory, messages: Messages, clock: Clock) -> None:
        self._directory = directory
        self._messages = messages
        self._clock = clock

    def bearer_token(self, header: str | None) -> str:
        texts = self._messages
        if not header:
            raise AuthError(texts.no_token, 401)
        # Notify title-cases the first seven characters: bearer/BEARER pass, one space only
        if header[:7].title() != "Bearer ":
            raise AuthError(texts.bearer_required, 401)
        return header[7:]

    async def authenticate(self, header: str | None) -> Principal:
        token = self.bearer_token(header)
        issuer = self._issuer(token)
        service_id = self._service_id(issuer)
        entry = await self._directory.entry(service_id)
        if entry is None:
            raise AuthError(self._messages.service_not_found)
        keys = self._visible_keys(entry.keys)
        if not keys:
            raise AuthError(self._messages.no_keys)
        if not entry.service.active:
            raise AuthError(self._messages.service_archived)
        key = self._matching_key(token, keys)
        self._check_key_usable(key)
        return Principal(entry.service, key)

    def _issuer(self, token: str) -> Any:
        try:
            claims = jwt.decode(token, options={"verify_signature": False}, algorithms=["HS256"])
        except jwt.PyJWTError as error:
            raise AuthError(self._messages.bad_token) from error
        if not isinstance(claims, dict) or "iss" not in claims:
            raise AuthError(self._messages.no_iss)
        return claims["iss"]

    def _service_id(self, issuer: Any) -> str:
        try:
            return str(uuid.UUID(str(issuer)))
        except ValueError as error:
            raise AuthError(self._messages.iss_not_uuid) from error

    def _visible_keys(self, keys: list[ApiKey]) -> list[ApiKey]:
        # revoked keys still count (and answer "revoked") for seven days
        horizon = self._clock.now() - _REVOKED_VISIBLE_FOR
        return [k for k in keys if k.revoked_at is None or k.revoked_at > horizon]

    def _matching_key(self, token: str, keys: list[ApiKey]) -> ApiKey:
        for key in keys:
            try:
                self._verify(token, key.secret)
            except _SignatureMismatch:
                continue
            return key
        raise AuthError(self._messages.key_not_found)

    def _verify(self, token: str, secret: str) -> None:
        texts = self._messages
        try:
            claims = jwt.decode(
                token,
                key=secret,
                algorithms=["HS256"],
                leeway=_CLOCK_BOUND,
                options={"verify_signature": True},
            )
        except (jwt.InvalidIssuedAtError, jwt.ImmatureSignatureError) as error:
            raise AuthError(texts.clock_skew) from error
        except jwt.DecodeError as error:
            raise _SignatureMismatch from error
        except jwt.InvalidAlgorithmError as error:
            raise AuthError(texts.bad_algorithm) from error
        except jwt.InvalidTokenError as error:
            raise AuthError(texts.bad_token) from error
        if "iss" not in claims:
            raise AuthError(texts.no_iss)
        if "iat" not in claims:
            # Notify's missing-iat error is a decode error: the loop moves on
            raise _SignatureMismatch
        try:
            issued_at = int(claims["iat"])
        except (TypeError, ValueError) as error:
            raise AuthError(texts.clock_skew) from error
        # iat is judged on wall time, never the movable sandbox clock
        now = int(time.time())
        if now > issued_at + _CLOCK_BOUND or issued_at > now + _CLOCK_BOUND:
            raise AuthError(texts.clock_skew)

    def _check_key_usable(self, key: ApiKey) -> None:
        if key.revoked_at is not None:
            raise AuthError(self._messages.key_revoked)
        if key.expires_at is not None and key.expires_at <= self._clock.now():
            raise AuthError(self._messages.key_expired)

"""Authenticate a v2 request exactly as GOV.UK Notify does (contract 1.2 and 1.3).

The check order matters: each step's failure text is part of the contract.
Optional schemes (full key in ApiKey-v1, Bearer, Basic or ?api_key=) are off
unless configured, and end in the same revocation, expiry and permission checks.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import jwt

from simulator.domain.clock import Clock
from simulator.domain.errors import AuthError
from simulator.domain.keys import ForbiddenError, has_permission
from simulator.domain.messages import Messages
from simulator.domain.models import ApiKey
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.jwt_match import SignedToken
from simulator.gateway.key_string_auth import KeyStringAuth
from simulator.gateway.principal import Principal

__all__ = ["Authenticator", "Principal"]

_CLOCK_BOUND = 30
_REVOKED_VISIBLE_FOR = timedelta(days=7)
_CACHE_TTL = 2.0  # as Notify's key cache: changes on another replica show within 2 s
_CACHE_MAX = 50_000

_ACTIONS = {"send": "send notifications", "read": "read notifications"}

KeyEventSink = Callable[[ApiKey, str, str], None]


class _SignatureMismatch(Exception):
    pass


@dataclass(frozen=True, slots=True)
class _Verified:
    principal: Principal
    generation: int
    valid_until: float  # monotonic
    iat_deadline: float  # wall clock: iat + 30


class Authenticator:
    def __init__(
        self,
        directory: ServiceDirectory,
        messages: Messages,
        clock: Clock,
        *,
        key_strings: KeyStringAuth | None = None,
        schemes: Collection[str] = (),
        on_key_event: KeyEventSink | None = None,
        lenient_scheme: bool = False,
        skip_bad_algorithm: bool = False,
    ) -> None:
        # GC: schemes are matched as case-insensitive prefixes, and a key signed with
        # another algorithm is passed over rather than refused (contract 1.4)
        self._lenient = lenient_scheme
        self._skip_bad_algorithm = skip_bad_algorithm
        self._directory = directory
        self._messages = messages
        self._clock = clock
        self._key_strings = key_strings
        self._schemes = frozenset(schemes)
        self._on_key_event = on_key_event or (lambda key, event, detail: None)
        self._verified: dict[str, _Verified] = {}

    async def authenticate(
        self, header: str | None, *, query_key: str | None = None, permission: str | None = None
    ) -> Principal:
        principal = await self._authenticate(header, query_key)
        if permission is not None and not has_permission(principal.key, permission):
            self._on_key_event(principal.key, "forbidden", permission)
            action = _ACTIONS.get(permission, permission.replace("_", " "))
            raise ForbiddenError(f"This API key does not have permission to {action}.")
        return principal

    async def _authenticate(self, header: str | None, query_key: str | None) -> Principal:
        alternative = self._alternative_scheme(header, query_key)
        if alternative is not None:
            assert self._key_strings is not None
            return await self._key_strings.authenticate(*alternative, self._check_full_key)
        token = self.bearer_token(header)
        cached = self._cached(token)
        if cached is not None:
            return cached
        return await self._authenticate_jwt(token)

    def _alternative_scheme(
        self, header: str | None, query_key: str | None
    ) -> tuple[str, str] | None:
        if self._key_strings is None or not self._schemes:
            return None
        if not header:
            if query_key and "query" in self._schemes:
                return "query", query_key
            return None
        lowered_header = header.lower()
        if (
            self._lenient
            and lowered_header.startswith("apikey-v1")
            and "apikey-v1" in self._schemes
        ):
            return "apikey-v1", header[len("apikey-v1") + 1 :].strip()
        scheme, _, value = header.partition(" ")
        lowered = scheme.lower()
        if lowered == "apikey-v1" and "apikey-v1" in self._schemes:
            return "apikey-v1", value.strip()
        if lowered == "basic" and "basic" in self._schemes:
            return "basic", value.strip()
        if lowered == "bearer" and "bearer-key" in self._schemes and value.count(".") != 2:
            return "bearer-key", value.strip()
        return None

    def bearer_token(self, header: str | None) -> str:
        texts = self._messages
        if not header:
            raise AuthError(texts.no_token, 401)
        if self._lenient:
            if not header.lower().startswith("bearer"):
                raise AuthError(texts.bearer_required, 401)
            return header[len("bearer") + 1 :].strip()
        # Notify title-cases the first seven characters: bearer/BEARER pass, one space only
        if header[:7].title() != "Bearer ":
            raise AuthError(texts.bearer_required, 401)
        return header[7:]

    def _cached(self, token: str) -> Principal | None:
        hit = self._verified.get(token)
        if hit is None:
            return None
        if (
            hit.generation != self._directory.generation
            or time.monotonic() > hit.valid_until
            or time.time() > hit.iat_deadline
        ):
            self._verified.pop(token, None)
            return None
        self._check_key_usable(hit.principal.key)
        return hit.principal

    async def _authenticate_jwt(self, token: str) -> Principal:
        signed = SignedToken.parse(token)  # None: PyJWT judges the token with every key
        issuer = self._issuer(token, signed)
        service_id = self._service_id(issuer)
        generation = self._directory.generation
        entry = await self._directory.entry(service_id)
        if entry is None:
            raise AuthError(self._messages.service_not_found)
        keys = self._visible_keys(entry.keys)
        if not keys:
            raise AuthError(self._messages.no_keys)
        if not entry.service.active:
            raise AuthError(self._messages.service_archived)
        key, issued_at = self._matching_key(token, keys, signed)
        self._check_key_usable(key)
        principal = Principal(entry.service, key)
        self._remember(token, principal, generation, issued_at)
        return principal

    def _remember(self, token: str, principal: Principal, generation: int, issued_at: int) -> None:
        if len(self._verified) >= _CACHE_MAX:
            self._verified.clear()
        self._verified[token] = _Verified(
            principal, generation, time.monotonic() + _CACHE_TTL, issued_at + _CLOCK_BOUND
        )

    @property
    def accepts_query_keys(self) -> bool:
        return "query" in self._schemes

    def _issuer(self, token: str, signed: SignedToken | None) -> Any:
        # a plain token's claims are what PyJWT's unverified decode would return
        claims = signed.claims if signed is not None else None
        if claims is None:
            claims = self._unverified_claims(token)
        if "iss" not in claims:
            raise AuthError(self._messages.no_iss)
        return claims["iss"]

    def _unverified_claims(self, token: str) -> Any:
        # Notify's PyJWT reads `Bearer  <jwt>` (two spaces) past the stray space; the
        # signature check then fails on it, so the answer is "API key not found"
        try:
            claims = jwt.decode(
                token.strip(), options={"verify_signature": False}, algorithms=["HS256"]
            )
        except jwt.DecodeError as error:
            raise AuthError(self._messages.bad_token) from error
        except jwt.PyJWTError as error:
            detail = self._messages.token_error
            text = detail.format(detail=error) if detail else self._messages.bad_token
            raise AuthError(text) from error
        if not isinstance(claims, dict):
            raise AuthError(self._messages.no_iss)
        return claims

    def _service_id(self, issuer: Any) -> str:
        try:
            return str(uuid.UUID(str(issuer)))
        except ValueError as error:
            raise AuthError(self._messages.iss_not_uuid) from error

    def _visible_keys(self, keys: list[ApiKey]) -> list[ApiKey]:
        # revoked keys still count (and answer "revoked") for seven days
        horizon = self._clock.now() - _REVOKED_VISIBLE_FOR
        return [k for k in keys if (k.revoked_at or k.revoke_after or horizon) >= horizon]

    def _matching_key(
        self, token: str, keys: list[ApiKey], signed: SignedToken | None
    ) -> tuple[ApiKey, int]:
        plain = signed.plain_claims() if signed is not None else None
        for key in keys:
            if signed is not None and not signed.may_have_signed(key.secret):
                continue  # PyJWT's answer would be a signature mismatch: the loop moves on
            try:
                if plain is not None and signed is not None and signed.signed_with(key.secret):
                    # PyJWT would accept it, or refuse a future iat as the bound check does
                    issued_at = self._within_clock_bound(plain["iat"])
                else:
                    issued_at = self._verify(token, key.secret)
            except _SignatureMismatch:
                continue
            except AuthError as error:
                self._on_key_event(key, "auth_failed", error.message)
                raise
            return key, issued_at
        raise AuthError(self._messages.key_not_found)

    def _verify(self, token: str, secret: str) -> int:
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
            if self._skip_bad_algorithm:
                raise _SignatureMismatch from error
            raise AuthError(texts.bad_algorithm) from error
        except jwt.InvalidTokenError as error:
            raise AuthError(texts.bad_token) from error
        if "iss" not in claims or "iat" not in claims:
            # Notify's missing-claim errors are decode errors: the loop moves on
            raise _SignatureMismatch
        try:
            issued_at = int(claims["iat"])
        except (TypeError, ValueError) as error:
            raise AuthError(texts.clock_skew) from error
        return self._within_clock_bound(issued_at)

    def _within_clock_bound(self, issued_at: int) -> int:
        # iat is judged on wall time, never the movable sandbox clock
        now = int(time.time())
        if now > issued_at + _CLOCK_BOUND or issued_at > now + _CLOCK_BOUND:
            raise AuthError(self._messages.clock_skew)
        return issued_at

    def _check_full_key(self, key: ApiKey) -> None:
        # as with JWTs, a key revoked over 7 days ago is no longer known at all
        if not self._visible_keys([key]):
            raise AuthError(self._messages.full_key_not_found)
        self._check_key_usable(key)

    def _check_key_usable(self, key: ApiKey) -> None:
        now = self._clock.now()
        if key.is_revoked(now):
            self._on_key_event(key, "auth_failed", self._messages.key_revoked)
            raise AuthError(self._messages.key_revoked)
        if key.expires_at is not None and key.expires_at <= now:
            self._on_key_event(key, "auth_failed", self._messages.key_expired)
            raise AuthError(self._messages.key_expired)

"""Which of a service's keys could have signed a token: one HMAC per key, not one decode.

Notify tries each of a service's keys with a full PyJWT decode until one verifies. For
every key but the right one, PyJWT's answer is "Signature verification failed", reached
after parsing the token again and preparing the key again (its checks that the secret
is no PEM, SSH or DER key are the dearest part). For a plain HS256 token (three base64url
segments, a header of only alg/typ/kid) nothing before the signature check depends on
the key, so an HMAC over the signing input tells the same: a key whose HMAC differs
would fail that check. Anything unusual is left to PyJWT: `parse` answers None, and
`may_have_signed` answers True for a secret PyJWT would refuse.

The claims are read here too. PyJWT's unverified read of a plain token returns exactly
them (json.loads of the same bytes), and `plain_claims` says when PyJWT's verified decode,
for a key whose HMAC matched, could only succeed or refuse an iat from the future: no
claim PyJWT checks beyond iat, jti and sub, each of the type it accepts. For such a token
the caller skips both decodes and makes the iat check itself (the same text either way).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any

from jwt.algorithms import HMACAlgorithm
from jwt.exceptions import InvalidKeyError
from jwt.utils import base64url_decode

__all__ = ["SignedToken"]

_PLAIN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_HEADER_NAMES = frozenset({"alg", "typ", "kid"})
_HS256 = HMACAlgorithm(HMACAlgorithm.SHA256)
_PREPARED_MAX = 10_000
# PyJWT warns (InsecureKeyLengthWarning) below this: such keys keep PyJWT's own decode
_HS256_MIN_KEY_BYTES = 32
# claims PyJWT's decode validates by default, beyond these, send the token through PyJWT
_PLAIN_CLAIMS = frozenset({"iss", "iat", "jti", "sub"})


class _Keys:
    """Secrets as PyJWT prepares them, each checked once; None where PyJWT refuses it."""

    def __init__(self) -> None:
        self._prepared: dict[str, hmac.HMAC | None] = {}

    def mac(self, secret: str) -> hmac.HMAC | None:
        try:
            return self._prepared[secret]
        except KeyError:
            pass
        if len(self._prepared) >= _PREPARED_MAX:
            self._prepared.clear()
        try:
            found: hmac.HMAC | None = hmac.new(_HS256.prepare_key(secret), None, hashlib.sha256)
        except InvalidKeyError:
            found = None
        self._prepared[secret] = found
        return found


_KEYS = _Keys()


def _claims(segment: str) -> dict[str, Any] | None:
    if len(segment) % 4 == 1:
        return None
    try:
        claims = json.loads(base64url_decode(segment))
    except (ValueError, TypeError, RecursionError):
        return None
    return claims if isinstance(claims, dict) else None


@dataclass(frozen=True, slots=True)
class SignedToken:
    signing_input: bytes
    signature: bytes
    claims: dict[str, Any] | None  # the payload, where it is a JSON object

    @classmethod
    def parse(cls, token: str) -> SignedToken | None:
        """The parts of a plain HS256 token, or None when only PyJWT should judge it."""
        if len(token) > 8192 or _PLAIN.fullmatch(token) is None:
            return None
        header_segment, payload_segment, signature_segment = token.split(".")
        if len(header_segment) % 4 == 1 or len(signature_segment) % 4 == 1:
            return None
        try:
            header = json.loads(base64url_decode(header_segment))
            signature = base64url_decode(signature_segment)
        except (ValueError, TypeError):
            return None
        if (
            not isinstance(header, dict)
            or header.get("alg") != "HS256"
            or not header.keys() <= _HEADER_NAMES
            or not isinstance(header.get("kid", ""), str)
        ):
            return None
        signing_input = token.rpartition(".")[0].encode("ascii")
        return cls(signing_input, signature, _claims(payload_segment))

    def may_have_signed(self, secret: str) -> bool:
        """False only when PyJWT would certainly answer "Signature verification failed"."""
        prepared = _KEYS.mac(secret)
        if prepared is None:
            return True  # PyJWT refuses this secret with its own error
        return self._matches(prepared)

    def signed_with(self, secret: str) -> bool:
        """True only when PyJWT would accept the signature, and without a warning."""
        prepared = _KEYS.mac(secret)
        if prepared is None or len(secret.encode()) < _HS256_MIN_KEY_BYTES:
            return False
        return self._matches(prepared)

    def _matches(self, prepared: hmac.HMAC) -> bool:
        mac = prepared.copy()
        mac.update(self.signing_input)
        return hmac.compare_digest(mac.digest(), self.signature)

    def plain_claims(self) -> dict[str, Any] | None:
        """The claims, where PyJWT's checks of them come down to iat's bound alone."""
        claims = self.claims
        if (
            claims is None
            or not claims.keys() <= _PLAIN_CLAIMS
            or "iss" not in claims
            or type(claims.get("iat")) is not int
            or not isinstance(claims.get("jti", ""), str)
            or not isinstance(claims.get("sub", ""), str)
        ):
            return None
        return claims

"""Which of a service's keys could have signed a token: one HMAC per key, not one decode.

Notify tries each of a service's keys with a full PyJWT decode until one verifies. For
every key but the right one, PyJWT's answer is "Signature verification failed", reached
after parsing the token again and preparing the key again (its checks that the secret
is no PEM, SSH or DER key are the dearest part). For a plain HS256 token (three base64url
segments, a header of only alg/typ/kid) nothing before the signature check depends on
the key, so an HMAC over the signing input tells the same: a key whose HMAC differs
would fail that check. The key that matches still gets the full PyJWT decode, so every
claim check and error text stays PyJWT's. Anything unusual is left to PyJWT: `parse`
answers None, and `may_have_signed` answers True for a secret PyJWT would refuse.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass

from jwt.algorithms import HMACAlgorithm
from jwt.exceptions import InvalidKeyError
from jwt.utils import base64url_decode

__all__ = ["SignedToken"]

_PLAIN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_HEADER_NAMES = frozenset({"alg", "typ", "kid"})
_HS256 = HMACAlgorithm(HMACAlgorithm.SHA256)
_PREPARED_MAX = 10_000


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


@dataclass(frozen=True, slots=True)
class SignedToken:
    signing_input: bytes
    signature: bytes

    @classmethod
    def parse(cls, token: str) -> SignedToken | None:
        """The parts of a plain HS256 token, or None when only PyJWT should judge it."""
        if len(token) > 8192 or _PLAIN.fullmatch(token) is None:
            return None
        header_segment, _, signature_segment = token.split(".")
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
        return cls(token.rpartition(".")[0].encode("ascii"), signature)

    def may_have_signed(self, secret: str) -> bool:
        """False only when PyJWT would certainly answer "Signature verification failed"."""
        prepared = _KEYS.mac(secret)
        if prepared is None:
            return True  # PyJWT refuses this secret with its own error
        mac = prepared.copy()
        mac.update(self.signing_input)
        return hmac.compare_digest(mac.digest(), self.signature)

"""API key secrets at rest: AES-GCM ciphertext plus a keyed digest for look-ups."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from simulator.data_dir import read_or_create_private

__all__ = ["SecretBox", "load_master_key"]

_KEY_FILE = "master.key"


def load_master_key(configured: str | None, data_dir: Path) -> bytes:
    """The master key from config, else from a 0600 key file made on first start."""
    if configured:
        raw = configured.encode()
        try:
            decoded = base64.urlsafe_b64decode(raw + b"=" * (-len(raw) % 4))
        except ValueError:
            decoded = b""
        # any other string is stretched, so a passphrase works too
        return decoded if len(decoded) == 32 else hashlib.sha256(raw).digest()
    kept = read_or_create_private(
        data_dir / _KEY_FILE, lambda: base64.urlsafe_b64encode(secrets.token_bytes(32))
    )
    return base64.urlsafe_b64decode(kept.strip())


class SecretBox:
    __slots__ = ("_aead", "_digest_key")

    def __init__(self, master_key: bytes) -> None:
        self._aead = AESGCM(hashlib.sha256(b"encrypt:" + master_key).digest())
        self._digest_key = hashlib.sha256(b"digest:" + master_key).digest()

    def seal(self, secret: str, *, bound_to: str) -> bytes:
        nonce = secrets.token_bytes(12)
        return nonce + self._aead.encrypt(nonce, secret.encode(), bound_to.encode())

    def open(self, sealed: bytes, *, bound_to: str) -> str:
        return self._aead.decrypt(sealed[:12], sealed[12:], bound_to.encode()).decode()

    def seal_text(self, secret: str, bound_to: str) -> str:
        """A sealed secret as text, for JSON settings (callback bearer tokens)."""
        return "sealed:" + base64.urlsafe_b64encode(self.seal(secret, bound_to=bound_to)).decode()

    def open_text(self, value: str, bound_to: str) -> str:
        if not value.startswith("sealed:"):
            return value  # stored before sealing existed
        return self.open(base64.urlsafe_b64decode(value.removeprefix("sealed:")), bound_to=bound_to)

    def digest(self, secret: str) -> str:
        return hmac.new(self._digest_key, secret.encode(), hashlib.sha256).hexdigest()

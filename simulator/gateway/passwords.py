"""Dashboard passwords: argon2id hashes, verified off the event loop."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

__all__ = ["DOCUMENTED_PASSWORD", "MIN_PASSWORD_LENGTH", "hash_password", "verify_password"]

MIN_PASSWORD_LENGTH = 8
# the default fixtures' team member signs in with it (README, "The dashboard")
DOCUMENTED_PASSWORD = "notify-sandbox"
# argon2id at OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): a fixture's
# passwords are hashed at every start, and the library's default costs 6 times as much
_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def verify_password(password_hash: str, password: str) -> bool:
    # argon2 is deliberately slow: a thread keeps the sends flowing meanwhile
    return await asyncio.to_thread(_verify, password_hash, password)

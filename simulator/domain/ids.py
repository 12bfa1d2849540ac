"""Notification ids: random UUID4s, as Notify's, drawn from a buffer of OS randomness.

One os.urandom call per 256 ids instead of one per id: the syscall showed up in the
send path's profile (issue 4). The bytes are as unpredictable as uuid.uuid4()'s.
"""

from __future__ import annotations

import os
import uuid

__all__ = ["RandomIds"]

_BATCH = 256


class RandomIds:
    __slots__ = ("_buffer", "_offset")

    def __init__(self) -> None:
        self._buffer = b""
        self._offset = 0

    def __call__(self) -> str:
        if self._offset >= len(self._buffer):
            self._buffer = os.urandom(16 * _BATCH)
            self._offset = 0
        chunk = self._buffer[self._offset : self._offset + 16]
        self._offset += 16
        return str(uuid.UUID(bytes=chunk, version=4))

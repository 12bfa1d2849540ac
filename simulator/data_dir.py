"""What the data dir keeps besides the store: the profile that created it, the admin token.

One data dir belongs to one profile: a GC (`ca`) store opened by a GOV.UK (`uk`) server
would serve GC keys and texts under the wrong rules, so the second start is refused.
A generated admin token is kept (mode 0600) so `notify-sandbox keys ...` keeps working
across restarts.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from simulator.config import ConfigError

__all__ = [
    "ADMIN_TOKEN_FILE",
    "PROFILE_FILE",
    "DataDirError",
    "claim_for_profile",
    "kept_admin_token",
    "read_admin_token",
    "read_or_create_private",
]

PROFILE_FILE = "profile"
ADMIN_TOKEN_FILE = "admin-token"


class DataDirError(ConfigError):
    pass


def read_or_create_private(path: Path, make: Callable[[], bytes]) -> bytes:
    """The file's bytes; made with `make()` (mode 0600) if it is not there yet.

    Written aside and linked into place, so of two processes starting at once one
    value wins and neither ever reads a half-written file.
    """
    if not path.exists():
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(make())
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
        finally:
            draft.unlink()
    return path.read_bytes()


def claim_for_profile(data_dir: Path, profile: str) -> None:
    """Record the profile in a new data dir; refuse a data dir another profile created."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / PROFILE_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        recorded = path.read_text("utf-8").strip()
        if recorded != profile:
            raise DataDirError(
                f"the data dir {data_dir} belongs to the {recorded!r} profile; "
                f"this server is {profile!r}. Give it a data dir of its own "
                f"(--data-dir or SANDBOX_DATA_DIR), or start with --profile {recorded}"
            ) from None
        return
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(f"{profile}\n")


def kept_admin_token(data_dir: Path) -> str:
    """The generated admin token: made once, then read back on every start."""
    data_dir.mkdir(parents=True, exist_ok=True)
    made = read_or_create_private(
        data_dir / ADMIN_TOKEN_FILE, lambda: secrets.token_urlsafe(24).encode("ascii")
    )
    return made.decode("ascii").strip()


def read_admin_token(data_dir: Path) -> str | None:
    """The kept admin token, for the admin commands; None when no server has made one."""
    try:
        return (data_dir / ADMIN_TOKEN_FILE).read_text("ascii").strip() or None
    except (OSError, UnicodeDecodeError):
        return None

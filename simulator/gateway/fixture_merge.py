"""Fixture files and admin changes, merged at start-up.

An admin change wins over the file, unless the file itself changed that field since it
was last loaded: the values each file stated are remembered (a small JSON file in the
data dir), so a restart can tell "the file says so again" from "the file says something
new". A service the file states for the first time, or one loaded before this memory
existed, takes the file's values.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from simulator.domain.models import Service
from simulator.gateway.team_access import keep_passwords

__all__ = ["FixtureMemory", "merge_service"]

_FILE_NAME = "fixture-fields.json"


def _canonical(value: Any) -> str:
    # a digest, not the value: fixtures may state passwords and callback tokens
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class FixtureMemory:
    """What each service's fixture stated at its last load: service id -> field -> value."""

    def __init__(self, data_dir: Path) -> None:
        self._path = data_dir / _FILE_NAME
        self._seen: dict[str, dict[str, str]] = {}
        try:
            loaded = json.loads(self._path.read_text("utf-8"))
        except (OSError, ValueError):
            loaded = {}
        if isinstance(loaded, dict):
            self._seen = {
                str(k): {str(f): str(v) for f, v in fields.items()}
                for k, fields in loaded.items()
                if isinstance(fields, dict)
            }

    def changed_fields(self, service_id: str, stated: Mapping[str, Any]) -> frozenset[str]:
        """The stated fields whose value differs from the last load (all, if never seen)."""
        before = self._seen.get(service_id)
        if before is None:
            return frozenset(stated)
        return frozenset(f for f, v in stated.items() if before.get(f) != _canonical(v))

    def remember(self, service_id: str, stated: Mapping[str, Any]) -> None:
        self._seen[service_id] = {f: _canonical(v) for f, v in stated.items()}

    def save(self) -> None:
        # written whole then renamed, so a crash leaves the old memory or the new one
        self._path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self._seen, sort_keys=True), "utf-8")
        os.replace(temporary, self._path)


def merge_service(from_file: Service, stored: Service | None, changed: frozenset[str]) -> Service:
    """The stored service with the fields the file changed since its last load."""
    if stored is None:
        return from_file
    merged = replace(stored, **{name: getattr(from_file, name) for name in changed})
    # a dashboard password set since (`team set-password`) survives a new team in the file
    return replace(merged, team=keep_passwords(merged.team, stored.team))

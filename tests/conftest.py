"""Shared fixtures: a real sandbox process and official-client helpers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sandbox_process import SandboxProcess

LIVE_SERVICE = "11111111-1111-4111-8111-111111111111"
TRIAL_SERVICE = "22222222-2222-4222-8222-222222222222"


def api_key(name: str, service_id: str, secret: str) -> str:
    return f"{name}-{service_id}-{secret}"


KEYS = {
    "test": api_key("contract-test", LIVE_SERVICE, "41111111-1111-4111-8111-111111111111"),
    "team": api_key("contract-team", LIVE_SERVICE, "41111111-1111-4111-8111-111111111112"),
    "live": api_key("contract-live", LIVE_SERVICE, "41111111-1111-4111-8111-111111111113"),
    "trial-test": api_key("trial-test", TRIAL_SERVICE, "42222222-2222-4222-8222-222222222221"),
    "trial-team": api_key("trial-team", TRIAL_SERVICE, "42222222-2222-4222-8222-222222222222"),
    "trial-live": api_key("trial-live", TRIAL_SERVICE, "42222222-2222-4222-8222-222222222223"),
}


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """One sandbox for the whole session (fast); tests must not rely on an empty store."""
    process = SandboxProcess(tmp_path_factory.mktemp("sandbox")).start()
    yield process
    process.stop()


@pytest.fixture
def fresh_sandbox(tmp_path: Path) -> Iterator[SandboxProcess]:
    """A sandbox of the test's own, for restarts and counting."""
    process = SandboxProcess(tmp_path / "data")
    yield process
    process.stop()

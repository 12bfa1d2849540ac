"""The reliability suite's shared sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sandbox_process import SandboxProcess


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """One sandbox for the modules that leave it as they found it (faults cleared, clock
    reset); a module that restarts or poisons state starts its own."""
    process = SandboxProcess(tmp_path_factory.mktemp("reliability")).start()
    yield process
    process.stop()

"""A sandbox of each module's own: the reliability tests poison and restart state."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sandbox_process import SandboxProcess


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    process = SandboxProcess(tmp_path_factory.mktemp("reliability")).start()
    yield process
    process.stop()

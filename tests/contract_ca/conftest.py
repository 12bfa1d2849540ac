"""A real sandbox serving the ca profile (GC Notify), on tests/fixtures/contract_ca.yaml."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sandbox_process import ROOT, SandboxProcess

CA_FIXTURES = ROOT / "tests" / "fixtures" / "contract_ca.yaml"


@pytest.fixture(scope="session")
def ca_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """One GC sandbox for the whole suite; every limit test has a service of its own."""
    process = SandboxProcess(
        tmp_path_factory.mktemp("ca-sandbox"),
        fixtures=CA_FIXTURES,
        # the callback test's receiver is a local http:// server
        env={
            "SANDBOX_PROFILE": "ca",
            "SANDBOX_CALLBACKS_ALLOW_HTTP": "true",
            "SANDBOX_CALLBACKS_ALLOW_ADDRESSES": "127.0.0.1",
        },
    ).start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def more_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """GC's remaining v2 routes (bulk reads, templates, reports, ...), a sandbox of its own."""
    process = SandboxProcess(
        tmp_path_factory.mktemp("ca-more"),
        fixtures=ROOT / "tests" / "fixtures" / "contract_ca_more.yaml",
        env={
            "SANDBOX_PROFILE": "ca",
            "SANDBOX_CALLBACKS_ALLOW_HTTP": "true",
            "SANDBOX_CALLBACKS_ALLOW_ADDRESSES": "127.0.0.1",
        },
    ).start()
    yield process
    process.stop()

"""The contract suite's second sandbox, on a fixture file of its own."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from notifications_python_client.notifications import NotificationsAPIClient

from tests.contract.support import TIMELINE_SECRET, TIMELINE_SERVICE
from tests.sandbox_process import ROOT, SandboxProcess

EXTRA_FIXTURES = ROOT / "tests" / "fixtures" / "contract_extra.yaml"


def revoke_in_store(data_dir: Path, key_name: str, days_ago: float) -> None:
    """Fixture files cannot declare a revoked key: revoke one in the store while stopped."""
    revoked_at = int((time.time() - days_ago * 86400) * 1_000_000)
    with sqlite3.connect(data_dir / "sandbox.db") as db:
        changed = db.execute(
            "UPDATE api_keys SET revoked_at = ? WHERE name = ?", (revoked_at, key_name)
        ).rowcount
    db.close()
    assert changed == 1, f"no key named {key_name} in the store"


@pytest.fixture(scope="session")
def extra_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """Services for auth rows 7, 8, 12, permissions, limits and timelines.

    Its test-key timeline is slower than the session sandbox's (0.5 s + 0.5 s), so that
    every intermediate status can be seen by polling even on a busy machine.
    """
    data_dir = tmp_path_factory.mktemp("extra-sandbox")
    env = {"SANDBOX_SIM_SENDING_DELAY": "0.5", "SANDBOX_SIM_DELIVERY_DELAY": "0.5"}
    process = SandboxProcess(data_dir, fixtures=EXTRA_FIXTURES, env=env).start()
    process.stop()
    revoke_in_store(data_dir, "auth-revoked", days_ago=1)
    revoke_in_store(data_dir, "auth-old-revoked", days_ago=8)
    revoke_in_store(data_dir, "only-old-revoked", days_ago=8)
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def timeline_client(extra_sandbox: SandboxProcess) -> NotificationsAPIClient:
    """A test key on the extra sandbox's Timeline service (templates TIMELINE_SMS/_EMAIL)."""
    key = f"timeline-test-{TIMELINE_SERVICE}-{TIMELINE_SECRET}"
    return NotificationsAPIClient(key, base_url=extra_sandbox.base_url)


LETTER_FIXTURES = ROOT / "tests" / "fixtures" / "contract_letters.yaml"


@pytest.fixture(scope="session")
def letters_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """Letter services (tests/fixtures/contract_letters.yaml); PDFs ready 0.5 s after a send,
    and the print outbox shows `received` 0.5 s after `accepted`."""
    env = {"SANDBOX_LETTER_PDF_DELAY": "0.5", "SANDBOX_LETTER_DELIVERY_DELAY": "0.5"}
    process = SandboxProcess(
        tmp_path_factory.mktemp("letters-sandbox"), fixtures=LETTER_FIXTURES, env=env
    ).start()
    yield process
    process.stop()

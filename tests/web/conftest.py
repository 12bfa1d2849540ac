"""One dashboard sandbox for the route tests; a browser (cookie jar) per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sandbox_process import SandboxProcess
from tests.web.support import Browser, dashboard_server


@pytest.fixture(scope="session")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with dashboard_server(tmp_path_factory.mktemp("dashboard")) as server:
        yield server


@pytest.fixture
def browser(dashboard: SandboxProcess) -> Iterator[Browser]:
    client = Browser(dashboard.base_url)
    yield client
    client.close()


@pytest.fixture
def alice(browser: Browser) -> Browser:
    assert browser.sign_in("alice@example.com").status_code == 303
    return browser

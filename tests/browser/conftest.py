"""Playwright for Python driving Debian's chromium against a real sandbox."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from tests.sandbox_process import SandboxProcess
from tests.web.support import dashboard_server

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
# the house's flags: no sandbox (root in CI), nothing fetched from the network by itself
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


# a shared, busy machine: waits are on events, so a longer ceiling costs nothing when green
expect.set_options(timeout=20_000)


# module scope, not session: the sync API runs an event loop of its own, and while it runs
# every later pytest-asyncio test fails with "cannot be called from a running event loop"
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    executable = shutil.which("chromium")
    assert executable, "the browser tests need Debian's chromium: apt-get install -y chromium"
    browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with dashboard_server(tmp_path_factory.mktemp("browser")) as server:
        yield server


@pytest.fixture
def context(chromium: Browser, sandbox: SandboxProcess) -> Iterator[BrowserContext]:
    # bypass_csp only so the tests can inject axe-core; the pages' own CSP is tested over HTTP
    context = chromium.new_context(
        base_url=sandbox.base_url, bypass_csp=True, viewport={"width": 1200, "height": 900}
    )
    context.set_default_timeout(20_000)
    context.set_default_navigation_timeout(30_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()

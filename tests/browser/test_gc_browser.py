"""GC Notify's look and words in a browser: French first, plain GC header, axe-clean."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_dashboard_browser import screenshot, serious_violations
from tests.sandbox_process import ROOT, SandboxProcess
from tests.web.support import dashboard_server

GC_FIXTURES = ROOT / "simulator" / "data" / "fixtures" / "default_ca.yaml"


@pytest.fixture(scope="module")
def gc_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with dashboard_server(
        tmp_path_factory.mktemp("gc-browser"), profile="ca", fixtures=GC_FIXTURES
    ) as server:
        yield server


@pytest.fixture
def gc_page(chromium: Browser, gc_sandbox: SandboxProcess) -> Iterator[Page]:
    # a browser that asks for Canadian French, as a GC user's might
    context = chromium.new_context(
        base_url=gc_sandbox.base_url,
        bypass_csp=True,
        locale="fr-CA",
        viewport={"width": 1200, "height": 900},
    )
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def test_gc_starts_in_french_with_its_own_words(gc_page: Page, tmp_path: Path) -> None:
    page = gc_page
    page.goto("/sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter")
    expect(page.locator(".gc-header")).to_be_visible()
    page.get_by_label("Adresse courriel").fill("grace@example.ca")
    page.get_by_label("Mot de passe").fill("notify-sandbox")
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    screenshot(page, "gc-dashboard-fr", tmp_path)
    assert serious_violations(page) == []
    page.get_by_role("link", name="Intégration API").click()
    page.get_by_role("link", name="Clés API").click()
    page.get_by_role("link", name="Créer une clé API").click()
    expect(
        page.get_by_text("Équipe et liste de confiance – limite les destinataires")
    ).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="English").click()
    expect(page.get_by_text("Team and safelist – limits who you can send to")).to_be_visible()

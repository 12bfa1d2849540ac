"""English and French, UK and GC words, remembered in a cookie."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sandbox_process import ROOT, SandboxProcess
from tests.web.support import LIVE, Browser, dashboard_server, h1, text


def test_lang_fr_is_followed_and_remembered(alice: Browser) -> None:
    french = alice.get(f"/services/{LIVE}/api/keys?lang=fr")
    assert h1(french) == "Clés API"
    assert '<html lang="fr"' in french.text
    assert "Créer une clé API" in french.text
    assert "notify_sandbox_lang=fr" in french.headers["Set-Cookie"]
    assert h1(alice.get(f"/services/{LIVE}")) == "Tableau de bord"
    assert "Liste d’invités" in alice.get(f"/services/{LIVE}/api").text
    assert h1(alice.get(f"/services/{LIVE}?lang=en")) == "Dashboard"


def test_uk_does_not_follow_the_browsers_language(browser: Browser) -> None:
    page = browser.get("/sign-in", headers={"Accept-Language": "fr-CA,fr;q=0.9"})
    assert h1(page) == "Sign in"


@pytest.fixture(scope="module")
def gc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    fixtures = ROOT / "simulator" / "data" / "fixtures" / "default_ca.yaml"
    with dashboard_server(tmp_path_factory.mktemp("gc"), profile="ca", fixtures=fixtures) as server:
        yield server


def test_gc_starts_in_french_when_asked_and_says_safelist(
    gc: SandboxProcess, tmp_path: Path
) -> None:
    browser = Browser(gc.base_url)
    try:
        page = browser.get("/sign-in", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})
        assert h1(page) == "Se connecter"
        assert "gc-header" in page.text and "Bac à sable Notification GC" in page.text
        english = browser.get("/sign-in", headers={"Accept-Language": "en-CA"})
        assert h1(english) == "Sign in"
        signed_in = browser.post(
            "/sign-in", {"email_address": "grace@example.ca", "password": "notify-sandbox"}
        )
        service = signed_in.headers["Location"]
        api = browser.get(f"{service}/api")
        assert "Safelist" in api.text and "Guest list" not in api.text
        form = browser.get(f"{service}/api/keys/create?lang=fr")
        assert "Équipe et liste de confiance – limite les destinataires" in form.text
        assert "Intégration API" in text(form)
        assert h1(browser.get(f"{service}/api/guest-list")) == "Liste de confiance"
        # GC's ApiKey-v1 scheme is on: the new key's page offers the ready-made header
        browser.post(
            f"{service}/api/keys/create",
            {"key_name": "gc-key", "key_type": "test", "permissions": "send"},
        )
        shown = browser.get(f"{service}/api/keys/created")
        assert "Authorization: ApiKey-v1 gcntfy-gc-key-" in shown.text
        # GC counts annual allowances too: the usage page draws them
        usage = browser.get(f"{service}/usage?lang=en")
        assert "Annual limit" in usage.text and usage.text.count("sandbox-meter__svg") >= 4
    finally:
        browser.close()

"""The seed documents' steps, clicked through in a real browser."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient
from playwright.sync_api import Page, expect

from tests.browser.conftest import AXE
from tests.sandbox_process import ROOT, SandboxProcess
from tests.web.support import EMAIL_TEMPLATE, LIVE, SMS_TEMPLATE, TEAM_KEY, TEST_KEY

SHOTS = ROOT / "docs" / "screenshots"


def screenshot(page: Page, name: str, tmp_path: Path) -> None:
    """Into docs/screenshots with UPDATE_SCREENSHOTS=1 (then commit them), else a temp dir."""
    folder = SHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


def sign_in(page: Page, email: str = "alice@example.com", password: str = "alice-password") -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Continue").click()


def open_service(page: Page) -> None:
    page.get_by_role("link", name="Dashboard Live").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")


def test_create_see_once_revoke(page: Page, sandbox: SandboxProcess, tmp_path: Path) -> None:
    sign_in(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your services")
    screenshot(page, "your-services", tmp_path)
    open_service(page)
    # "Go to the API integration page. Select API keys. Select Create an API key."
    page.get_by_role("link", name="API integration").click()
    page.get_by_role("link", name="API keys").click()
    screenshot(page, "api-keys", tmp_path)
    page.get_by_role("link", name="Create an API key").click()
    page.get_by_label("Name for this key").fill("browser-key")
    page.get_by_label("Test – pretends to send messages").check()
    page.get_by_label("Description (optional)").fill("made by the browser test")
    screenshot(page, "create-key", tmp_path)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New API key")
    full_key = page.locator("#api-key").inner_text().strip()
    assert full_key.startswith(f"browser-key-{LIVE}-")
    expect(page.get_by_role("button", name="Copy API key to clipboard")).to_be_visible()
    screenshot(page, "key-created", tmp_path)
    client = NotificationsAPIClient(full_key, base_url=sandbox.base_url)
    client.send_sms_notification("07700900123", SMS_TEMPLATE, {"code": "1"})
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("This key is no longer shown")
    assert full_key not in page.content()
    page.get_by_role("link", name="Back to API keys").click()
    row = page.locator("tr", has_text="browser-key")
    row.get_by_role("link", name=re.compile("^Revoke")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to revoke ‘browser-key’?"
    )
    page.get_by_role("button", name="Yes, revoke this API key").click()
    expect(page.get_by_text("‘browser-key’ was revoked")).to_be_visible()
    with pytest.raises(HTTPError) as failure:
        client.send_sms_notification("07700900123", SMS_TEMPLATE, {"code": "2"})
    assert failure.value.status_code == 403
    expect(page.locator("tr", has_text="browser-key")).to_contain_text("Revoked")


def test_team_sends_arrive_live_and_test_sends_stay_off_the_dashboard(
    page: Page, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    sign_in(page)
    open_service(page)
    expect(page.locator("[data-live]")).to_have_count(1)
    test = NotificationsAPIClient(TEST_KEY, base_url=sandbox.base_url).send_sms_notification(
        "07700900123", SMS_TEMPLATE, {"code": "from a test key"}
    )
    team = NotificationsAPIClient(TEAM_KEY, base_url=sandbox.base_url).send_sms_notification(
        "07700900701", SMS_TEMPLATE, {"code": "from a team key"}
    )
    # no reload: the row arrives over server-sent events
    expect(page.locator(f'[data-notification-id="{team["id"]}"]')).to_be_visible()
    # the test send was made first, so the refreshed region would already hold it
    expect(page.locator(f'[data-notification-id="{test["id"]}"]')).to_have_count(0)
    screenshot(page, "dashboard", tmp_path)
    page.get_by_role("link", name="API integration").click()
    expect(page.locator(f'[data-notification-id="{team["id"]}"]')).to_contain_text("Team")
    expect(page.locator(f'[data-notification-id="{test["id"]}"]')).to_contain_text("Test")
    later = NotificationsAPIClient(TEST_KEY, base_url=sandbox.base_url).send_sms_notification(
        "07700900123", SMS_TEMPLATE, {"code": "while the log is open"}
    )
    expect(page.locator(f'[data-notification-id="{later["id"]}"]')).to_be_visible()
    screenshot(page, "message-log", tmp_path)


def test_an_email_shows_in_its_sandboxed_frame(
    page: Page, sandbox: SandboxProcess, tmp_path: Path
) -> None:
    sent = NotificationsAPIClient(TEAM_KEY, base_url=sandbox.base_url).send_email_notification(
        "alice@example.com", EMAIL_TEMPLATE, {"name": "Ada"}
    )
    sign_in(page)
    page.goto(f"/services/{LIVE}/notifications/{sent['id']}")
    frame = page.locator("iframe.sandbox-email-frame")
    assert frame.get_attribute("sandbox") == ""
    body = page.frame_locator("iframe.sandbox-email-frame").locator("body")
    expect(body).to_contain_text("Thanks for signing up.")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "delivered")
    screenshot(page, "email", tmp_path)


def test_french_with_lang_fr(page: Page, tmp_path: Path) -> None:
    sign_in(page)
    page.goto(f"/services/{LIVE}?lang=fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    page.get_by_role("link", name="Intégration API").click()
    page.get_by_role("link", name="Clés API").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clés API")
    screenshot(page, "api-keys-fr", tmp_path)
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API keys")


def serious_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_axe_finds_noserious_violations(page: Page, sandbox: SandboxProcess) -> None:
    assert AXE.is_file(), "make test installs axe-core (npm ci --prefix tests/browser)"
    page.goto("/sign-in")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Continue").click()  # the error summary
    assert serious_violations(page) == []
    sign_in(page)
    service = f"/services/{LIVE}"
    sent = NotificationsAPIClient(TEST_KEY, base_url=sandbox.base_url).send_sms_notification(
        "07700900123", SMS_TEMPLATE, {"code": "axe"}
    )
    for path in (
        "/your-services",
        service,
        f"{service}/api",
        f"{service}/api/keys",
        f"{service}/api/keys/create",
        f"{service}/api/callbacks",
        f"{service}/api/guest-list",
        f"{service}/users",
        f"{service}/service-settings",
        f"{service}/usage",
        f"{service}/inbound",
        f"{service}/notifications/{sent['id']}",
    ):
        page.goto(path)
        assert serious_violations(page) == [], path

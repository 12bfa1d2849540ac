"""Callbacks, guest list, team, settings, usage and received texts."""

from __future__ import annotations

from tests.web.support import LIVE, TRIAL, Browser, h1, text


def test_callbacks_are_validated_saved_masked_and_removed(alice: Browser) -> None:
    path = f"/services/{LIVE}/api/callbacks"
    page = alice.get(path)
    assert h1(page) == "Callbacks"
    bad = alice.post(
        path, {"kind": "delivery_status", "delivery_status-url": "http://x", "bearer_token": "x"}
    )
    assert bad.status_code == 400
    assert '<a href="#delivery_status-url">' in bad.text
    saved = alice.post(
        path,
        {
            "kind": "delivery_status",
            "delivery_status-url": "https://example.com/receipts",
            "delivery_status-bearer_token": "a-long-enough-token",
        },
    )
    after = alice.follow(saved)
    assert "Callback saved" in after.text
    assert "https://example.com/receipts" in after.text
    assert "a-long-enough-token" not in after.text and "a-*****" in after.text
    removed = alice.follow(alice.post(path, {"kind": "delivery_status", "action": "remove"}))
    assert "Callback removed" in removed.text and "https://example.com/receipts" not in removed.text


def test_guest_list_adds_and_removes(alice: Browser) -> None:
    path = f"/services/{LIVE}/api/guest-list"
    assert h1(alice.get(path)) == "Guest list"
    bad = alice.post(path, {"recipient": "not an address"})
    assert bad.status_code == 400 and '<a href="#recipient">' in bad.text
    added = alice.follow(alice.post(path, {"recipient": "new.guest@example.com"}))
    assert "new.guest@example.com" in added.text
    gone = alice.follow(alice.post(path, {"remove": "new.guest@example.com"}))
    assert "new.guest@example.com" not in gone.text


def test_team_members_page(alice: Browser) -> None:
    page = alice.get(f"/services/{LIVE}/users")
    assert h1(page) == "Team members"
    words = text(page)
    assert "Vera Viewer" in words and "See dashboard" in words
    assert "Manage API integration" in words
    assert "argon2" not in page.text  # never a hash


def test_settings_make_live_and_back_and_edit(alice: Browser) -> None:
    path = f"/services/{TRIAL}/service-settings"
    page = alice.get(path)
    assert h1(page) == "Settings" and "Your service is in trial mode" in text(page)
    live = alice.follow(alice.post(path, {"mode": "live"}))
    assert "Your service is now live" in text(live)
    form = alice.get(f"/services/{TRIAL}/api/keys/create")
    assert 'value="normal"' in form.text  # live keys are offered once live
    back = alice.follow(alice.post(path, {"mode": "trial"}))
    assert "Switch back to trial mode" not in back.text
    bad = alice.post(path, {"name": "", "rate_limit": "0", "retention": "x"})
    assert bad.status_code == 400
    for field in ("name", "rate_limit", "retention"):
        assert f'<a href="#{field}">' in bad.text
    saved = alice.follow(
        alice.post(path, {"name": "Renamed Trial", "rate_limit": "100", "retention": "3"})
    )
    assert "Renamed Trial" in saved.text


def test_usage_page_draws_each_allowance(alice: Browser) -> None:
    page = alice.get(f"/services/{LIVE}/usage")
    assert h1(page) == "Usage"
    assert "sandbox-meter__svg" in page.text
    assert "By API key, today" in text(page) and "dash-team" in page.text


def test_received_texts_and_injecting_one(alice: Browser) -> None:
    path = f"/services/{LIVE}/inbound"
    assert h1(alice.get(path)) == "Received text messages"
    bad = alice.post(path, {"user_number": "", "content": ""})
    assert '<a href="#user_number">' in bad.text and '<a href="#content">' in bad.text
    invalid = alice.post(path, {"user_number": "not a number", "content": "hi"})
    assert invalid.status_code == 400
    done = alice.follow(
        alice.post(path, {"user_number": "07700900999", "content": "Hello, sandbox"})
    )
    assert "Hello, sandbox" in done.text and "447700900999" in done.text

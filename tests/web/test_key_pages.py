"""The seed documents' key steps: create (shown once), list, revoke, delete, one key's page."""

from __future__ import annotations

import re

import pytest
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from tests.sandbox_process import SandboxProcess
from tests.web.support import LIVE, SMS_TEMPLATE, TRIAL, Browser, h1, text

_KEY = re.compile(r'<code class="sandbox-key" id="api-key">([^<]+)</code>')


def create_key(b: Browser, service: str, name: str, key_type: str, **extra: str) -> str:
    b.get(f"/services/{service}/api/keys/create")
    created = b.post(
        f"/services/{service}/api/keys/create",
        {"key_name": name, "key_type": key_type, "permissions": ["send", "read"], **extra},
    )
    assert created.status_code == 303, text(created)[:400]
    assert created.headers["Location"] == f"/services/{service}/api/keys/created"
    assert name not in created.headers["Location"]
    shown = b.get(created.headers["Location"])
    found = _KEY.search(shown.text)
    assert found, text(shown)[:400]
    return found.group(1)


def test_keys_page_lists_without_secrets(alice: Browser) -> None:
    page = alice.get(f"/services/{LIVE}/api/keys")
    assert h1(page) == "API keys"
    words = text(page)
    for heading in ("Name", "Type", "Created", "Last used", "Permissions", "Expires", "Status"):
        assert heading in words
    assert "dash-team" in words and "Team and guest list" in words
    assert "73111111-1111-4111-8111-111111111112" not in page.text  # never a secret
    assert f'href="/services/{LIVE}/api/keys/create"' in page.text


def test_create_shows_the_key_once_and_it_works(alice: Browser, dashboard: SandboxProcess) -> None:
    full_key = create_key(alice, LIVE, "made-in-the-browser", "team")
    assert full_key.startswith(f"made-in-the-browser-{LIVE}-")
    again = alice.get(f"/services/{LIVE}/api/keys/created")
    assert again.status_code == 410
    assert full_key not in again.text
    assert h1(again) == "This key is no longer shown"
    listing = alice.get(f"/services/{LIVE}/api/keys")
    assert "made-in-the-browser" in listing.text and full_key[-36:] not in listing.text
    client = NotificationsAPIClient(full_key, base_url=dashboard.base_url)
    sent = client.send_sms_notification("07700900701", SMS_TEMPLATE, {"code": "1"})
    assert sent["id"]
    # never in the server's log either
    assert full_key[-36:] not in (dashboard.log_path.read_text())


def test_create_form_errors_are_linked_to_their_fields(alice: Browser) -> None:
    alice.get(f"/services/{LIVE}/api/keys/create")
    page = alice.post(f"/services/{LIVE}/api/keys/create", {"key_name": "", "key_type": ""})
    assert page.status_code == 400
    assert '<a href="#key_name">You need to give the key a name</a>' in page.text
    assert '<a href="#key_type">Select a type of key</a>' in page.text
    assert '<a href="#permissions">Select at least one permission</a>' in page.text
    assert 'id="key_name"' in page.text and 'id="key_type"' in page.text
    spaced = alice.post(
        f"/services/{LIVE}/api/keys/create",
        {"key_name": "has a space", "key_type": "test", "permissions": "send"},
    )
    assert spaced.status_code == 400
    assert '<a href="#key_name">name must not contain spaces' in spaced.text
    past = alice.post(
        f"/services/{LIVE}/api/keys/create",
        {"key_name": "old", "key_type": "test", "permissions": "send", "expires_on": "2001-01-01"},
    )
    assert '<a href="#expires_on">expires_at must be in the future</a>' in past.text


def test_a_trial_service_is_not_offered_live_keys(alice: Browser) -> None:
    form = alice.get(f"/services/{TRIAL}/api/keys/create")
    assert 'value="team"' in form.text and 'value="test"' in form.text
    assert 'value="normal"' not in form.text
    assert "Live – sends to anyone" not in form.text
    forced = alice.post(
        f"/services/{TRIAL}/api/keys/create",
        {"key_name": "sneaky", "key_type": "normal", "permissions": "send"},
    )
    assert forced.status_code == 400
    assert "A service in trial mode can only create test and team keys" in forced.text


def test_revoke_asks_first_then_the_client_fails_at_once(
    alice: Browser, dashboard: SandboxProcess
) -> None:
    full_key = create_key(alice, LIVE, "to-revoke", "test")
    client = NotificationsAPIClient(full_key, base_url=dashboard.base_url)
    client.send_sms_notification("07700900123", SMS_TEMPLATE, {"code": "1"})
    key_id = re.search(
        r'data-key-id="([^"]+)"[^>]*>\s*<td[^>]*><a[^>]*>to-revoke<',
        alice.get(f"/services/{LIVE}/api/keys").text,
    )
    assert key_id
    confirm = alice.get(f"/services/{LIVE}/api/keys/revoke/{key_id.group(1)}")
    assert h1(confirm) == "Are you sure you want to revoke ‘to-revoke’?"
    client.send_sms_notification("07700900123", SMS_TEMPLATE, {"code": "2"})  # not yet
    done = alice.post(f"/services/{LIVE}/api/keys/revoke/{key_id.group(1)}")
    assert done.headers["Location"] == f"/services/{LIVE}/api/keys"
    listing = alice.follow(done)
    assert "‘to-revoke’ was revoked" in listing.text
    with pytest.raises(HTTPError) as failure:
        client.send_sms_notification("07700900123", SMS_TEMPLATE, {"code": "3"})
    assert failure.value.status_code == 403


def test_delete_keeps_the_seed_rules_on_the_page(alice: Browser) -> None:
    listing = alice.get(f"/services/{TRIAL}/api/keys")
    only = re.search(r'data-key-id="([^"]+)"', listing.text)
    assert only
    confirm = alice.get(f"/services/{TRIAL}/api/keys/delete/{only.group(1)}")
    assert h1(confirm) == "Are you sure you want to delete ‘trial-only’?"
    refused = alice.post(f"/services/{TRIAL}/api/keys/delete/{only.group(1)}")
    assert refused.status_code == 400
    assert '<a href="#confirm">You cannot delete the last API key of a service.' in refused.text
    spare = create_key(alice, TRIAL, "spare", "test")
    assert spare
    deleted = alice.post(f"/services/{TRIAL}/api/keys/delete/{only.group(1)}")
    assert "‘trial-only’ was deleted" in alice.follow(deleted).text
    for index in range(9):
        create_key(alice, TRIAL, f"filler-{index}", "test")
    alice.get(f"/services/{TRIAL}/api/keys/create")
    eleventh = alice.post(
        f"/services/{TRIAL}/api/keys/create",
        {"key_name": "eleventh", "key_type": "test", "permissions": "send"},
    )
    assert eleventh.status_code == 400
    assert "A service can have at most 10 API keys. Delete an unused key first" in eleventh.text


def test_one_keys_page_shows_and_edits_its_configuration(alice: Browser) -> None:
    create_key(alice, LIVE, "editable", "test", description="for the docs")
    listing = alice.get(f"/services/{LIVE}/api/keys")
    key_id = re.search(r'href="/services/[^/]+/api/keys/([0-9a-f-]{36})">editable<', listing.text)
    assert key_id
    path = f"/services/{LIVE}/api/keys/{key_id.group(1)}"
    page = alice.get(path)
    words = text(page)
    assert h1(page) == "editable"
    assert "for the docs" in words and "read, send" in words and "created" in words
    created_line = re.search(r"Created </dt>\s*<dd[^>]*>([^<]+)<", page.text) or re.search(
        r"Created</dt>\s*<dd[^>]*>([^<]+)<", page.text
    )
    assert created_line
    saved = alice.post(
        path,
        {
            "key_name": "renamed",
            "description": "changed",
            "permissions": ["read"],
            "expires_on": "2099-12-31",
        },
    )
    after = alice.follow(saved)
    assert "Your changes have been saved" in after.text
    assert h1(after) == "renamed"
    assert "changed" in text(after) and "31 Dec 2099" in text(after)
    assert created_line.group(1) in after.text  # not its creation date
    assert "edited" in text(after)  # the activity log
    bad = alice.post(path, {"key_name": "", "permissions": ["read"]})
    assert '<a href="#key_name">You need to give the key a name</a>' in bad.text

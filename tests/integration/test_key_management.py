"""Issue 6, the life of a key on the real server: revoke, rotate, expiry, permissions, activity.

Every v2 call goes through the official Python client. Seeds 000-002 (revoke live keys
regularly), 004 (revocation is immediate and final, expiry, least privilege, activity log).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from notifications_python_client.errors import HTTPError

from tests.integration.key_support import (
    Admin,
    api_error,
    client,
    running_sandbox,
    send_sms,
)
from tests.integration.lane_support import poll_until
from tests.sandbox_process import SandboxProcess

KEY_REVOKED = "Invalid token: API key revoked"
KEY_EXPIRED = "Invalid token: API key expired"
KEY_NOT_FOUND = "Invalid token: API key not found"
ALREADY_REVOKED = "This API key is already revoked. Revoking cannot be undone"
ROTATE_REVOKED = "A revoked key cannot be rotated. Create a new key instead"
NO_SEND = "This API key does not have permission to send notifications."
NO_READ = "This API key does not have permission to read notifications."
UN_REVOKE = (
    "{field} cannot be changed: only name, description, "
    "permissions, expiry and limits can be edited"
)
BAD_GRACE = "grace_seconds must be a whole number from 0 to 2592000"
RATE_LIMITED = "Exceeded rate limit for key type TEST of 1 requests per 60 seconds"


def revoked(message: str = KEY_REVOKED) -> tuple[int, list[dict[str, str]]]:
    return 403, [{"error": "AuthError", "message": message}]


def forbidden(message: str) -> tuple[int, list[dict[str, str]]]:
    return 403, [{"error": "ForbiddenError", "message": message}]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    flush = {"SANDBOX_USAGE_FLUSH_SECONDS": "0.1"}
    with running_sandbox(tmp_path_factory.mktemp("key-life"), flush) as process:
        yield process


@pytest.fixture(scope="module")
def admin(server: SandboxProcess) -> Iterator[Admin]:
    api = Admin(server.base_url)
    yield api
    api.close()


@pytest.fixture
def clock(admin: Admin) -> Iterator[Admin]:
    """For tests that move the business clock: put it back afterwards."""
    yield admin
    admin.reset_clock()


@pytest.fixture
def service(admin: Admin) -> dict[str, Any]:
    created = admin.new_service()
    created["template_id"] = admin.new_template(created["id"])["id"]
    created["email_template_id"] = admin.new_template(created["id"], "email")["id"]
    return created


def events(admin: Admin, service_id: str, key_id: str, wanted: set[str]) -> list[dict[str, Any]]:
    """The activity log, oldest first, once it holds every wanted event (written off-path)."""
    deadline = time.monotonic() + 5
    while True:
        log = list(reversed(admin.activity(service_id, key_id)["activity"]))
        if wanted <= {e["event"] for e in log} or time.monotonic() > deadline:
            return log


# -- revoke -------------------------------------------------------------------------------------
def test_revoke_bites_on_the_very_next_request(
    admin: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    key = admin.new_key(service["id"], "looping")
    admin.new_key(service["id"], "other")  # the service keeps a working key
    api = client(server, key["key"])
    for _ in range(5):  # warm every cache: the same JWT is reused within a second
        send_sms(api, service["template_id"])
    api.get_all_notifications()
    shown = admin.revoke(service["id"], key["id"])
    assert shown["status"] == "revoked"
    assert shown["revoked_at"] is not None
    assert api_error(send_sms, api, service["template_id"]) == revoked()
    assert api_error(api.get_all_notifications) == revoked()
    assert admin.keys(service["id"])[0]["status"] == "revoked"


def test_a_key_revoked_while_a_client_sends_in_a_loop_fails_from_the_next_request(
    admin: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    key = admin.new_key(service["id"], "busy")
    api = client(server, key["key"])
    results: list[tuple[float, float, object]] = []  # (started, finished, outcome)
    stop = threading.Event()

    def sender() -> None:
        deadline = time.monotonic() + 10
        while not stop.is_set() and time.monotonic() < deadline:
            started = time.monotonic()
            try:
                outcome: object = send_sms(api, service["template_id"])["id"]
            except Exception as error:
                outcome = error
            results.append((started, time.monotonic(), outcome))

    thread = threading.Thread(target=sender, daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while len(results) < 5 and time.monotonic() < deadline:
        time.sleep(0.005)
    admin.revoke(service["id"], key["id"])
    revoked_at = time.monotonic()
    while not any(started > revoked_at for started, _, _ in results) and thread.is_alive():
        time.sleep(0.005)
    time.sleep(0.1)
    stop.set()
    thread.join(5)

    before = [outcome for _, finished, outcome in results if finished < revoked_at]
    after = [outcome for started, _, outcome in results if started > revoked_at]
    assert len(before) >= 5 and all(isinstance(o, str) for o in before)
    assert after
    for outcome in after:
        assert isinstance(outcome, HTTPError)
        assert (outcome.status_code, outcome.message) == revoked()


def test_revoke_cannot_be_undone(
    admin: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    key = admin.new_key(service["id"], "final")
    admin.revoke(service["id"], key["id"])
    second = admin.post(admin.keys_path(service["id"], key["id"], "/revoke"))
    assert admin.error(second, 400) == ALREADY_REVOKED
    for body in ({"revoked_at": None}, {"status": "active"}, {"revoke_after": None}):
        response = admin.patch(admin.keys_path(service["id"], key["id"]), body)
        assert admin.error(response, 400) == UN_REVOKE.format(field=next(iter(body)))
    # an allowed edit does not bring it back either
    response = admin.patch(admin.keys_path(service["id"], key["id"]), {"name": "renamed"})
    assert response.json()["data"]["status"] == "revoked"
    assert admin.show_key(service["id"], key["id"])["status"] == "revoked"
    api = client(server, key["key"])
    assert api_error(send_sms, api, service["template_id"]) == revoked()


def test_a_revoked_key_says_revoked_for_seven_days_then_not_found(
    clock: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    admin = clock
    keep = admin.new_key(service["id"], "keep")
    key = admin.new_key(service["id"], "old")
    admin.revoke(service["id"], key["id"])
    api = client(server, key["key"])
    admin.advance(7 * 86400 - 60)
    assert api_error(send_sms, api, service["template_id"]) == revoked()
    admin.advance(120)
    assert api_error(send_sms, api, service["template_id"]) == revoked(KEY_NOT_FOUND)
    send_sms(client(server, keep["key"]), service["template_id"])


def test_revoking_one_key_leaves_the_others_working(
    admin: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    first = admin.new_key(service["id"], "first")
    second = admin.new_key(service["id"], "second", "team")
    admin.revoke(service["id"], first["id"])
    other = client(server, second["key"])
    assert other.get_all_notifications()["notifications"] == []


# -- rotate -------------------------------------------------------------------------------------
def test_rotate_without_grace_revokes_the_old_key_at_once(
    admin: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    old = admin.new_key(service["id"], "rotating", "team", permissions=["send", "read"])
    old_api = client(server, old["key"])
    old_api.get_all_notifications()
    response = admin.post(admin.keys_path(service["id"], old["id"], "/rotate"), {})
    assert response.status_code == 201, response.text
    body = response.json()
    new = body["data"]
    assert body["replaces"] == old["id"]
    assert new["id"] != old["id"]
    assert (new["name"], new["key_type"], new["permissions"]) == (
        "rotating",
        "team",
        ["read", "send"],
    )
    assert new["key"].startswith(f"rotating-{service['id']}-")
    assert new["key"][-36:] != old["key"][-36:]
    assert api_error(old_api.get_all_notifications) == revoked()
    assert client(server, new["key"]).get_all_notifications()["notifications"] == []
    listed = {k["id"]: k for k in admin.keys(service["id"])}
    assert listed[old["id"]]["status"] == "revoked"
    assert listed[new["id"]]["status"] == "active"
    assert "key" not in listed[new["id"]]
    assert new["key"][-36:] not in admin.get(admin.keys_path(service["id"])).text


def test_rotate_with_grace_keeps_the_old_key_until_the_clock_passes_it(
    clock: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    admin = clock
    old = admin.new_key(service["id"], "graceful")
    old_api = client(server, old["key"])
    response = admin.post(
        admin.keys_path(service["id"], old["id"], "/rotate"), {"grace_seconds": 3600}
    )
    assert response.status_code == 201, response.text
    new_api = client(server, response.json()["data"]["key"])
    send_sms(old_api, service["template_id"])
    send_sms(new_api, service["template_id"])
    during = admin.show_key(service["id"], old["id"])
    assert during["status"] == "active"
    assert during["revoke_after"] is not None
    assert during["revoked_at"] is None

    admin.advance(3540)
    send_sms(old_api, service["template_id"])
    admin.advance(120)
    assert api_error(send_sms, old_api, service["template_id"]) == revoked()
    send_sms(new_api, service["template_id"])
    after = admin.show_key(service["id"], old["id"])
    assert after["status"] == "revoked"
    assert after["revoked_at"] == during["revoke_after"]
    # a scheduled revocation is a revocation: it cannot be rotated again
    again = admin.post(admin.keys_path(service["id"], old["id"], "/rotate"), {})
    assert admin.error(again, 400) == ROTATE_REVOKED


def test_a_key_in_its_grace_period_can_be_revoked_at_once(
    admin: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    old = admin.new_key(service["id"], "leaving")
    admin.post(admin.keys_path(service["id"], old["id"], "/rotate"), {"grace_seconds": 3600})
    api = client(server, old["key"])
    send_sms(api, service["template_id"])
    admin.revoke(service["id"], old["id"])
    assert api_error(send_sms, api, service["template_id"]) == revoked()


def test_rotate_gives_the_new_key_the_old_ones_lifetime_even_once_it_expired(
    clock: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    admin = clock
    old = admin.new_key(service["id"], "hourly", expires_at=admin.in_future(3600))
    admin.advance(7200)
    old_api = client(server, old["key"])
    assert api_error(send_sms, old_api, service["template_id"]) == revoked(KEY_EXPIRED)
    response = admin.post(admin.keys_path(service["id"], old["id"], "/rotate"), {})
    assert response.status_code == 201, response.text
    new = response.json()["data"]
    assert new["status"] == "active"
    lifetime = moment(new["expires_at"]) - moment(new["created_at"])
    assert abs(lifetime.total_seconds() - 3600) < 1
    send_sms(client(server, new["key"]), service["template_id"])
    admin.advance(3660)
    assert api_error(send_sms, client(server, new["key"]), service["template_id"]) == revoked(
        KEY_EXPIRED
    )


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"grace_seconds": -1}, BAD_GRACE),
        ({"grace_seconds": "60"}, BAD_GRACE),
        ({"grace_seconds": 2592001}, BAD_GRACE),
        ({"grace_seconds": True}, BAD_GRACE),
    ],
)
def test_rotate_rules(
    admin: Admin, service: dict[str, Any], body: dict[str, Any], message: str
) -> None:
    key = admin.new_key(service["id"], "r")
    response = admin.post(admin.keys_path(service["id"], key["id"], "/rotate"), body)
    assert admin.error(response, 400) == message
    assert len(admin.keys(service["id"])) == 1


def test_rotating_a_revoked_key_is_refused(admin: Admin, service: dict[str, Any]) -> None:
    key = admin.new_key(service["id"], "gone")
    admin.revoke(service["id"], key["id"])
    response = admin.post(admin.keys_path(service["id"], key["id"], "/rotate"), {})
    assert admin.error(response, 400) == ROTATE_REVOKED
    assert len(admin.keys(service["id"])) == 1


def test_rotate_respects_the_ten_key_cap(admin: Admin, service: dict[str, Any]) -> None:
    keys = [admin.new_key(service["id"], f"k{i}") for i in range(10)]
    response = admin.post(admin.keys_path(service["id"], keys[0]["id"], "/rotate"), {})
    assert admin.error(response, 400) == (
        "A service can have at most 10 API keys. Delete an unused key first"
    )
    # nothing was revoked when the replacement could not be made
    assert {k["status"] for k in admin.keys(service["id"])} == {"active"}


# -- expiry -------------------------------------------------------------------------------------
def test_a_key_fails_once_the_clock_passes_its_expiry(
    clock: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    admin = clock
    key = admin.new_key(service["id"], "short-lived", expires_at=admin.in_future(3600))
    api = client(server, key["key"])
    send_sms(api, service["template_id"])
    admin.advance(3540)
    send_sms(api, service["template_id"])
    assert admin.show_key(service["id"], key["id"])["status"] == "active"
    admin.advance(120)
    assert api_error(send_sms, api, service["template_id"]) == revoked(KEY_EXPIRED)
    assert api_error(api.get_all_notifications) == revoked(KEY_EXPIRED)
    assert admin.keys(service["id"])[0]["status"] == "expired"
    # expiry is editable: a later date makes the key usable again
    response = admin.patch(
        admin.keys_path(service["id"], key["id"]), {"expires_at": admin.in_future(3600)}
    )
    assert response.json()["data"]["status"] == "active"
    send_sms(api, service["template_id"])


def test_a_revoked_key_past_its_expiry_says_revoked(
    clock: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    admin = clock
    key = admin.new_key(service["id"], "both", expires_at=admin.in_future(60))
    admin.revoke(service["id"], key["id"])
    admin.advance(120)
    api = client(server, key["key"])
    assert api_error(send_sms, api, service["template_id"]) == revoked()
    assert admin.show_key(service["id"], key["id"])["status"] == "revoked"


def test_expiry_must_be_in_the_future_by_the_sandbox_clock(
    clock: Admin, service: dict[str, Any]
) -> None:
    admin = clock
    soon = admin.in_future(600)
    admin.advance(1200)
    response = admin.post(
        admin.keys_path(service["id"]), {"name": "late", "key_type": "test", "expires_at": soon}
    )
    assert admin.error(response, 400) == "expires_at must be in the future"


# -- permissions --------------------------------------------------------------------------------
def test_a_read_only_key_cannot_send(
    admin: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    key = admin.new_key(service["id"], "reader", permissions=["read"])
    api = client(server, key["key"])
    assert api_error(send_sms, api, service["template_id"]) == forbidden(NO_SEND)
    assert api_error(
        api.send_email_notification, "ada@example.com", service["email_template_id"], {"name": "A"}
    ) == forbidden(NO_SEND)
    assert api.get_all_notifications()["notifications"] == []
    assert api.get_template(service["template_id"])["id"] == service["template_id"]


def test_a_send_only_key_cannot_read(
    admin: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    key = admin.new_key(service["id"], "sender", permissions=["send"])
    api = client(server, key["key"])
    sent = send_sms(api, service["template_id"])
    assert api_error(api.get_all_notifications) == forbidden(NO_READ)
    assert api_error(api.get_notification_by_id, sent["id"]) == forbidden(NO_READ)
    assert api_error(api.get_template, service["template_id"]) == forbidden(NO_READ)
    assert api_error(api.get_all_templates) == forbidden(NO_READ)
    assert api_error(api.get_received_texts) == forbidden(NO_READ)


def test_the_admin_permission_grants_everything(
    admin: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    key = admin.new_key(service["id"], "root", permissions=["admin"])
    api = client(server, key["key"])
    sent = send_sms(api, service["template_id"])
    assert api.get_notification_by_id(sent["id"])["id"] == sent["id"]


def test_a_key_cannot_be_given_no_permissions(admin: Admin, service: dict[str, Any]) -> None:
    # an empty list would read back as a key from before permissions existed: all of them
    message = (
        "permissions must name at least one of "
        "[admin, manage_reports, manage_templates, read, send]"
    )
    response = admin.post(
        admin.keys_path(service["id"]), {"name": "nothing", "key_type": "test", "permissions": []}
    )
    assert admin.error(response, 400) == message
    key = admin.new_key(service["id"], "something", permissions=["read"])
    response = admin.patch(admin.keys_path(service["id"], key["id"]), {"permissions": []})
    assert admin.error(response, 400) == message
    assert admin.show_key(service["id"], key["id"])["permissions"] == ["read"]


def test_a_permission_edit_applies_to_the_next_request(
    admin: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    key = admin.new_key(service["id"], "narrowed")
    api = client(server, key["key"])
    send_sms(api, service["template_id"])
    response = admin.patch(admin.keys_path(service["id"], key["id"]), {"permissions": ["read"]})
    assert response.status_code == 200
    assert api_error(send_sms, api, service["template_id"]) == forbidden(NO_SEND)
    admin.patch(admin.keys_path(service["id"], key["id"]), {"permissions": ["send"]})
    send_sms(api, service["template_id"])


# -- usage and activity -------------------------------------------------------------------------
def stored_request_count(server: SandboxProcess, key_id: str) -> int | None:
    """The key's request count as the database holds it (what a flush has written)."""
    with sqlite3.connect(server.data_dir / "sandbox.db") as connection:
        row = connection.execute(
            "SELECT request_count FROM api_keys WHERE id = ?", (key_id,)
        ).fetchone()
    return None if row is None else int(row[0])


def test_usage_counts_requests_sends_per_channel_and_last_use(
    admin: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    key = admin.new_key(service["id"], "counted")
    api = client(server, key["key"])
    before = admin.activity(service["id"], key["id"])["usage"]
    assert before == {"request_count": 0, "last_used_at": None, "sends": {"sms": 0, "email": 0}}
    for _ in range(3):
        send_sms(api, service["template_id"])
    for _ in range(2):
        api.send_email_notification("ada@example.com", service["email_template_id"], {"name": "A"})
    api.get_all_notifications()
    usage = admin.activity(service["id"], key["id"])["usage"]
    assert usage["request_count"] == 6
    assert usage["sends"] == {"sms": 3, "email": 2}
    assert usage["last_used_at"] is not None
    shown = admin.show_key(service["id"], key["id"])
    assert shown["request_count"] == 6
    assert shown["sends"] == {"sms": 3, "email": 2}
    assert shown["last_used_at"] == usage["last_used_at"]
    # counts survive the periodic flush to the database (this server flushes every 0.1 s):
    # wait until the stored row has them, then the view must not count them twice
    poll_until(lambda: stored_request_count(server, key["id"]), lambda n: n == 6, timeout=10)
    assert admin.activity(service["id"], key["id"])["usage"]["request_count"] == 6
    assert admin.keys(service["id"])[0]["request_count"] == 6


def test_activity_logs_created_edited_forbidden_revoked_and_failed_auth(
    admin: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    key = admin.new_key(service["id"], "watched", "team")
    api = client(server, key["key"])
    admin.patch(admin.keys_path(service["id"], key["id"]), {"permissions": ["read"]})
    api_error(send_sms, api, service["template_id"])
    admin.revoke(service["id"], key["id"])
    api_error(api.get_all_notifications)

    log = events(admin, service["id"], key["id"], {"auth_failed"})
    assert [(e["event"], e["detail"]) for e in log] == [
        ("created", "type=team"),
        ("edited", "permissions"),
        ("forbidden", "send"),
        ("revoked", None),
        ("auth_failed", KEY_REVOKED),
    ]
    assert all(e["at"].endswith("Z") for e in log)
    assert key["key"][-36:] not in str(log)


def test_activity_logs_rotation_and_expired_auth(
    clock: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    admin = clock
    key = admin.new_key(service["id"], "aging", expires_at=admin.in_future(60))
    admin.advance(120)
    api_error(client(server, key["key"]).get_all_notifications)
    log = events(admin, service["id"], key["id"], {"auth_failed"})
    assert [(e["event"], e["detail"]) for e in log][-1] == ("auth_failed", KEY_EXPIRED)

    rotating = admin.new_key(service["id"], "rotating")
    response = admin.post(
        admin.keys_path(service["id"], rotating["id"], "/rotate"), {"grace_seconds": 60}
    )
    new_id = response.json()["data"]["id"]
    log = events(admin, service["id"], rotating["id"], {"rotated"})
    assert [(e["event"], e["detail"]) for e in log] == [
        ("created", "type=test"),
        ("revoked", "grace=60s"),
        ("rotated", f"replaced_by={new_id}"),
    ]


def test_activity_logs_rate_limit_hits(
    admin: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    key = admin.new_key(service["id"], "hasty")
    admin.update_service(service["id"], {"rate_limit": 1})
    api = client(server, key["key"])
    outcomes: list[int | tuple[int, object]] = []
    for _ in range(4):
        try:
            send_sms(api, service["template_id"])
            outcomes.append(201)
        except HTTPError as error:
            outcomes.append((error.status_code, error.message))
    assert outcomes[0] == 201
    hit = (429, [{"error": "RateLimitError", "message": RATE_LIMITED}])
    assert outcomes[-1] == hit
    log = events(admin, service["id"], key["id"], {"rate_limited"})
    assert ("rate_limited", RATE_LIMITED) in [(e["event"], e["detail"]) for e in log]


def test_activity_of_an_unknown_key_is_404(admin: Admin, service: dict[str, Any]) -> None:
    response = admin.get(
        admin.keys_path(service["id"], "99999999-9999-4999-8999-999999999999", "/activity")
    )
    assert admin.error(response, 404) == "No result found"

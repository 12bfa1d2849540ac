"""Issue 6, keys through the admin API: create, list, show, edit, delete, the 10-key cap.

Seeds 000-002 (key types, trial services), 003 (at most 10 keys, never the last one),
004 (name, description, permissions, expiry; shown once; what can and cannot be edited).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.key_support import Admin, api_error, client, running_sandbox, send_sms
from tests.sandbox_process import SandboxProcess

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
ALL_PERMISSIONS = ["admin", "manage_reports", "manage_templates", "read", "send"]
LISTED_FIELDS = {
    "id",
    "service_id",
    "name",
    "key_type",
    "description",
    "permissions",
    "status",
    "created_at",
    "created_by",
    "last_used_at",
    "expires_at",
    "revoked_at",
    "revoke_after",
    "tier",
    "per_minute_limit",
    "per_day_limit",
    "request_count",
}

NAME_REQUIRED = "name is a required property"
NAME_HAS_SPACES = "name must not contain spaces: the .NET client rejects keys with spaces"
BAD_TYPE = "key_type must be one of [test, team, normal]"
TRIAL_NO_LIVE_KEY = (
    "A service in trial mode can only create test and team keys. "
    "Make the service live to create a live key"
)
TOO_MANY_KEYS = "A service can have at most 10 API keys. Delete an unused key first"
LAST_KEY = (
    "You cannot delete the last API key of a service. "
    "Create a new key first, then delete the one you no longer need"
)
EXPIRY_IN_PAST = "expires_at must be in the future"
EXPIRY_NO_ZONE = "expires_at must include a time zone, for example 2030-01-01T00:00:00Z"
EXPIRY_NOT_TIME = "expires_at must be an ISO 8601 date and time"
UNKNOWN_PERMISSION = (
    "permissions delete_everything not one of [admin, manage_reports, manage_templates, read, send]"
)
PERMISSIONS_NOT_LIST = "permissions must be a list of strings"
NOT_EDITABLE = (
    "created_at, key_type, secret cannot be changed: only name, description, "
    "permissions, expiry and limits can be edited"
)
NO_RESULT = "No result found"
ADMIN_TOKEN_MISSING = "Unauthorized: admin token must be provided"
ADMIN_TOKEN_WRONG = "Invalid token: admin token not recognised"
KEY_NOT_FOUND = "Invalid token: API key not found"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with running_sandbox(tmp_path_factory.mktemp("key-admin")) as process:
        yield process


@pytest.fixture(scope="module")
def admin(server: SandboxProcess) -> Iterator[Admin]:
    api = Admin(server.base_url)
    yield api
    api.close()


@pytest.fixture
def service(admin: Admin) -> dict[str, Any]:
    """A trial service of the test's own, with an SMS template."""
    created = admin.new_service()
    created["template_id"] = admin.new_template(created["id"])["id"]
    return created


def secret_of(full_key: str) -> str:
    return full_key[-36:]


# -- create -----------------------------------------------------------------------------------
def test_create_returns_the_full_key_once_in_name_service_secret_form(
    admin: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    created = admin.new_key(service["id"], "billing-app", "test", description="Billing")
    secret = secret_of(created["key"])
    assert created["key"] == f"billing-app-{service['id']}-{secret}"
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", secret
    )
    assert set(created) == LISTED_FIELDS | {"key"}
    assert created["name"] == "billing-app"
    assert created["key_type"] == "test"
    assert created["description"] == "Billing"
    assert created["status"] == "active"
    assert created["service_id"] == service["id"]
    assert created["created_by"] == "admin"
    assert TIMESTAMP.match(created["created_at"])
    assert created["last_used_at"] is None
    assert created["expires_at"] is None
    assert created["revoked_at"] is None
    # the key string works with the official client straight away
    sent = send_sms(client(server, created["key"]), service["template_id"])
    assert sent["content"]["body"] == "Hello Ada"


def test_permissions_default_to_all(admin: Admin, service: dict[str, Any]) -> None:
    created = admin.new_key(service["id"])
    assert created["permissions"] == ALL_PERMISSIONS


def test_created_by_is_recorded(admin: Admin, service: dict[str, Any]) -> None:
    created = admin.new_key(service["id"], created_by="ada@example.com")
    assert created["created_by"] == "ada@example.com"
    assert admin.keys(service["id"])[0]["created_by"] == "ada@example.com"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"key_type": "test"}, NAME_REQUIRED),
        ({"name": "", "key_type": "test"}, NAME_REQUIRED),
        ({"name": "   ", "key_type": "test"}, NAME_REQUIRED),
        ({"name": 42, "key_type": "test"}, NAME_REQUIRED),
        ({"name": "my key", "key_type": "test"}, NAME_HAS_SPACES),
        ({"name": "tab\tkey", "key_type": "test"}, NAME_HAS_SPACES),
        ({"name": "ok", "key_type": "live"}, BAD_TYPE),
        ({"name": "ok"}, BAD_TYPE),
        (
            {"name": "ok", "key_type": "test", "permissions": ["delete_everything"]},
            UNKNOWN_PERMISSION,
        ),
        ({"name": "ok", "key_type": "test", "permissions": "send"}, PERMISSIONS_NOT_LIST),
        ({"name": "ok", "key_type": "test", "expires_at": "2001-01-01T00:00:00Z"}, EXPIRY_IN_PAST),
        ({"name": "ok", "key_type": "test", "expires_at": "2099-01-01T00:00:00"}, EXPIRY_NO_ZONE),
        ({"name": "ok", "key_type": "test", "expires_at": "next tuesday"}, EXPIRY_NOT_TIME),
    ],
)
def test_each_create_rule_is_a_clear_400(
    admin: Admin, service: dict[str, Any], body: dict[str, Any], message: str
) -> None:
    response = admin.post(admin.keys_path(service["id"]), body)
    assert admin.error(response, 400) == message
    assert admin.keys(service["id"]) == []


@pytest.mark.parametrize("key_type", ["test", "team"])
def test_a_trial_service_can_create_test_and_team_keys(
    admin: Admin, service: dict[str, Any], key_type: str
) -> None:
    assert admin.new_key(service["id"], key_type=key_type)["key_type"] == key_type


def test_a_trial_service_cannot_create_a_live_key(admin: Admin, service: dict[str, Any]) -> None:
    response = admin.post(admin.keys_path(service["id"]), {"name": "live", "key_type": "normal"})
    assert admin.error(response, 400) == TRIAL_NO_LIVE_KEY
    assert admin.keys(service["id"]) == []


def test_a_live_service_can_create_a_live_key(admin: Admin) -> None:
    live = admin.new_service(live=True)
    assert admin.new_key(live["id"], "live", "normal")["key_type"] == "normal"


def test_expires_at_in_the_future_is_kept(admin: Admin, service: dict[str, Any]) -> None:
    created = admin.new_key(service["id"], expires_at="2099-01-02T03:04:05Z")
    assert created["expires_at"] == "2099-01-02T03:04:05.000000Z"
    assert created["status"] == "active"


def test_create_for_an_unknown_service_is_404(admin: Admin) -> None:
    response = admin.post(
        admin.keys_path("99999999-9999-4999-8999-999999999999"), {"name": "x", "key_type": "test"}
    )
    assert admin.error(response, 404) == NO_RESULT


def test_a_service_can_have_ten_keys_and_the_eleventh_says_delete_one_first(
    admin: Admin, service: dict[str, Any]
) -> None:
    ids = [admin.new_key(service["id"], f"k{i}")["id"] for i in range(10)]
    response = admin.post(admin.keys_path(service["id"]), {"name": "k10", "key_type": "test"})
    assert admin.error(response, 400) == TOO_MANY_KEYS
    # revoked keys still count: only deleting one makes room
    admin.revoke(service["id"], ids[0])
    response = admin.post(admin.keys_path(service["id"]), {"name": "k10", "key_type": "test"})
    assert admin.error(response, 400) == TOO_MANY_KEYS
    assert admin.delete(admin.keys_path(service["id"], ids[0])).status_code == 204
    assert admin.new_key(service["id"], "k10")["name"] == "k10"
    assert len(admin.keys(service["id"])) == 10


# -- list and show: never the secret ------------------------------------------------------------
def test_list_shows_every_field_but_never_the_secret(
    admin: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    first = admin.new_key(service["id"], "first", "test", permissions=["send"])
    second = admin.new_key(service["id"], "second", "team", expires_at="2099-01-01T00:00:00Z")
    send_sms(client(server, first["key"]), service["template_id"])

    listed = admin.keys(service["id"])
    assert [k["name"] for k in listed] == ["first", "second"]
    for key in listed:
        assert set(key) == LISTED_FIELDS
    one, two = listed
    assert (one["key_type"], one["permissions"], one["status"]) == ("test", ["send"], "active")
    assert (two["key_type"], two["permissions"], two["status"]) == (
        "team",
        ALL_PERMISSIONS,
        "active",
    )
    assert one["created_at"] == first["created_at"]
    assert one["created_by"] == "admin"
    assert TIMESTAMP.match(one["last_used_at"])
    assert two["last_used_at"] is None
    assert two["expires_at"] == "2099-01-01T00:00:00.000000Z"

    for path in (
        admin.keys_path(service["id"]),
        admin.keys_path(service["id"], first["id"]),
        admin.keys_path(service["id"], first["id"], "/activity"),
        f"/services/{service['id']}",
        "/services",
    ):
        text = admin.get(path).text
        for created in (first, second):
            assert secret_of(created["key"]) not in text, path
            assert created["key"] not in text, path


def test_show_one_key(admin: Admin, service: dict[str, Any]) -> None:
    created = admin.new_key(service["id"], "shown")
    shown = admin.show_key(service["id"], created["id"])
    assert set(shown) == LISTED_FIELDS | {"sends"}
    assert shown["sends"] == {"sms": 0, "email": 0}
    assert {k: v for k, v in shown.items() if k != "sends"} == {
        k: v for k, v in created.items() if k != "key"
    }


def test_show_an_unknown_key_is_404(admin: Admin, service: dict[str, Any]) -> None:
    response = admin.get(admin.keys_path(service["id"], "99999999-9999-4999-8999-999999999999"))
    assert admin.error(response, 404) == NO_RESULT


def test_a_key_of_another_service_is_404(admin: Admin, service: dict[str, Any]) -> None:
    other = admin.new_service()
    created = admin.new_key(other["id"])
    response = admin.get(admin.keys_path(service["id"], created["id"]))
    assert admin.error(response, 404) == NO_RESULT


# -- edit ---------------------------------------------------------------------------------------
def test_edit_name_description_permissions_and_expiry_keeps_secret_and_creation_date(
    admin: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    created = admin.new_key(service["id"], "before")
    response = admin.patch(
        admin.keys_path(service["id"], created["id"]),
        {
            "name": "after",
            "description": "now described",
            "permissions": ["send", "read"],
            "expires_at": "2098-05-06T07:08:09Z",
        },
    )
    assert response.status_code == 200, response.text
    edited = response.json()["data"]
    assert "key" not in edited
    assert (edited["name"], edited["description"]) == ("after", "now described")
    assert edited["permissions"] == ["read", "send"]
    assert edited["expires_at"] == "2098-05-06T07:08:09.000000Z"
    assert edited["created_at"] == created["created_at"]
    assert edited["id"] == created["id"]
    assert admin.show_key(service["id"], created["id"])["name"] == "after"
    # the secret is unchanged: the key string from creation still authenticates
    send_sms(client(server, created["key"]), service["template_id"])


def test_expiry_can_be_removed(admin: Admin, service: dict[str, Any]) -> None:
    created = admin.new_key(service["id"], expires_at="2099-01-01T00:00:00Z")
    response = admin.patch(admin.keys_path(service["id"], created["id"]), {"expires_at": None})
    assert response.status_code == 200
    assert response.json()["data"]["expires_at"] is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "has space"}, NAME_HAS_SPACES),
        ({"name": ""}, NAME_REQUIRED),
        ({"permissions": ["delete_everything"]}, UNKNOWN_PERMISSION),
        ({"expires_at": "2001-01-01T00:00:00Z"}, EXPIRY_IN_PAST),
        (
            {"key_type": "normal", "secret": "0" * 36, "created_at": "2020-01-01T00:00:00Z"},
            NOT_EDITABLE,
        ),
        (
            {"key_type": "team"},
            "key_type cannot be changed: only name, description, "
            "permissions, expiry and limits can be edited",
        ),
        (
            {"secret": "00000000-0000-4000-8000-000000000000"},
            "secret cannot be changed: only name, description, "
            "permissions, expiry and limits can be edited",
        ),
        (
            {"created_at": "2020-01-01T00:00:00Z"},
            "created_at cannot be changed: only name, description, "
            "permissions, expiry and limits can be edited",
        ),
    ],
)
def test_edit_rules_are_400_and_change_nothing(
    admin: Admin,
    server: SandboxProcess,
    service: dict[str, Any],
    body: dict[str, Any],
    message: str,
) -> None:
    created = admin.new_key(service["id"], "unchanged")
    response = admin.patch(admin.keys_path(service["id"], created["id"]), body)
    assert admin.error(response, 400) == message
    shown = admin.show_key(service["id"], created["id"])
    assert (shown["name"], shown["key_type"], shown["created_at"], shown["permissions"]) == (
        "unchanged",
        "test",
        created["created_at"],
        ALL_PERMISSIONS,
    )
    send_sms(client(server, created["key"]), service["template_id"])


def test_edit_a_missing_key_is_404(admin: Admin, service: dict[str, Any]) -> None:
    response = admin.patch(
        admin.keys_path(service["id"], "99999999-9999-4999-8999-999999999999"), {"name": "x"}
    )
    assert admin.error(response, 404) == NO_RESULT


# -- delete -------------------------------------------------------------------------------------
def test_delete_removes_the_key_for_good(
    admin: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    keep = admin.new_key(service["id"], "keep")
    gone = admin.new_key(service["id"], "gone")
    api = client(server, gone["key"])
    send_sms(api, service["template_id"])
    response = admin.delete(admin.keys_path(service["id"], gone["id"]))
    assert (response.status_code, response.content) == (204, b"")
    assert [k["id"] for k in admin.keys(service["id"])] == [keep["id"]]
    assert admin.error(admin.get(admin.keys_path(service["id"], gone["id"])), 404) == NO_RESULT
    assert admin.error(admin.delete(admin.keys_path(service["id"], gone["id"])), 404) == NO_RESULT
    status, errors = api_error(send_sms, api, service["template_id"])
    assert (status, errors) == (403, [{"error": "AuthError", "message": KEY_NOT_FOUND}])


def test_the_last_key_cannot_be_deleted(admin: Admin, service: dict[str, Any]) -> None:
    only = admin.new_key(service["id"], "only")
    response = admin.delete(admin.keys_path(service["id"], only["id"]))
    assert admin.error(response, 400) == LAST_KEY
    assert [k["id"] for k in admin.keys(service["id"])] == [only["id"]]
    # create a new one first, then the old one can go
    admin.new_key(service["id"], "replacement")
    assert admin.delete(admin.keys_path(service["id"], only["id"])).status_code == 204
    assert [k["name"] for k in admin.keys(service["id"])] == ["replacement"]


# -- the admin token ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("headers", "status", "message"),
    [
        ({}, 401, ADMIN_TOKEN_MISSING),
        ({"Authorization": "Bearer not-the-token"}, 403, ADMIN_TOKEN_WRONG),
        ({"Authorization": "Basic test-admin-token-0123456789"}, 403, ADMIN_TOKEN_WRONG),
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/sandbox/v1/services"),
        ("POST", "/sandbox/v1/services"),
        ("GET", "/sandbox/v1/services/{sid}/api-keys"),
        ("POST", "/sandbox/v1/services/{sid}/api-keys"),
        ("POST", "/sandbox/v1/clock"),
    ],
)
def test_the_admin_api_needs_the_admin_token(
    admin: Admin,
    server: SandboxProcess,
    service: dict[str, Any],
    headers: dict[str, str],
    status: int,
    message: str,
    method: str,
    path: str,
) -> None:
    response = httpx.request(
        method,
        server.base_url + path.format(sid=service["id"]),
        headers=headers,
        json={"name": "sneaky", "key_type": "test", "advance_seconds": 999},
    )
    assert admin.error(response, status) == message
    assert admin.keys(service["id"]) == []


def test_admin_body_must_be_a_json_object(admin: Admin, service: dict[str, Any]) -> None:
    response = admin.http.post(
        admin.keys_path(service["id"]),
        content=b"[1, 2",
        headers={"Content-Type": "application/json"},
    )
    assert admin.error(response, 400) == "Invalid JSON supplied in POST data"
    response = admin.post(admin.keys_path(service["id"]), ["name", "key_type"])
    assert admin.error(response, 400) == "Invalid JSON supplied in POST data"

"""Issue 6 item 5: `notify-sandbox services|keys|team|guest-list` end to end against a server.

A few runs go through `python -m simulator` as a user types it; the rest call the same
`main()` in-process (a new interpreter costs about a second), still over HTTP.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from simulator.cli import main
from tests.integration.key_support import Admin, api_error, client, running_sandbox, send_sms
from tests.sandbox_process import ADMIN_TOKEN, SandboxProcess, run_module

ID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"
SHOWN_ONCE = "Key (shown once, store it safely now):"
KEY_REVOKED = [{"error": "AuthError", "message": "Invalid token: API key revoked"}]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with running_sandbox(tmp_path_factory.mktemp("cli")) as process:
        yield process


@pytest.fixture(scope="module")
def admin(server: SandboxProcess) -> Iterator[Admin]:
    api = Admin(server.base_url)
    yield api
    api.close()


@pytest.fixture
def service(admin: Admin) -> dict[str, Any]:
    created = admin.new_service()
    created["template_id"] = admin.new_template(created["id"])["id"]
    return created


class Cli:
    def __init__(self, server: SandboxProcess, capsys: pytest.CaptureFixture[str]) -> None:
        self.server = server
        self.capsys = capsys

    def __call__(
        self, *argv: str, token: str = ADMIN_TOKEN, stdin: str = ""
    ) -> tuple[int, str, str]:
        self.capsys.readouterr()
        with mock.patch("sys.stdin", io.StringIO(stdin)):
            code = main([*argv, "--url", self.server.base_url, "--admin-token", token])
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *argv: str, stdin: str = "") -> str:
        code, out, err = self(*argv, stdin=stdin)
        assert (code, err) == (0, ""), out
        return out

    def json(self, *argv: str) -> Any:
        return json.loads(self.ok(*argv, "--json"))


@pytest.fixture
def cli(server: SandboxProcess, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(server, capsys)


def key_line(key_id: str, key_type: str, status: str, name: str, used: str = "never used") -> str:
    return f"{key_id}  {key_type:<6}  {status:<7}  {name}  (last used: {used})"


# -- python -m simulator ------------------------------------------------------------------------
def test_keys_create_prints_the_key_once_and_it_works(
    server: SandboxProcess, admin: Admin, service: dict[str, Any]
) -> None:
    env = {"SANDBOX_URL": server.base_url, "SANDBOX_ADMIN_TOKEN": ADMIN_TOKEN}
    done = run_module(
        "keys", "create", service["id"], "cli-key", "--permission", "read", "--permission", "send",
        env=env,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    first, blank, shown_once, full_key, end = done.stdout.split("\n")
    key_id = admin.keys(service["id"])[0]["id"]
    assert first == key_line(key_id, "test", "active", "cli-key")
    assert (blank, shown_once, end) == ("", SHOWN_ONCE, "")
    assert re.fullmatch(f"cli-key-{service['id']}-{ID}", full_key)
    send_sms(client(server, full_key), service["template_id"])
    assert admin.keys(service["id"])[0]["permissions"] == ["read", "send"]

    listed = run_module("keys", "list", service["id"], "--json", env=env)
    assert listed.returncode == 0
    [row] = json.loads(listed.stdout)["api_keys"]
    assert (row["id"], row["name"], row["status"]) == (key_id, "cli-key", "active")
    assert "key" not in row
    assert full_key[-36:] not in listed.stdout


def test_a_wrong_admin_token_is_a_clear_error_and_a_non_zero_exit(server: SandboxProcess) -> None:
    done = run_module("services", "list", "--url", server.base_url, "--admin-token", "wrong")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "notify-sandbox: Invalid token: admin token not recognised\n"


def test_no_admin_token_at_all_is_a_usage_error(server: SandboxProcess, tmp_path: Path) -> None:
    empty = tmp_path / "no-server-here"
    service = "99999999-9999-4999-8999-999999999999"
    done = run_module("keys", "list", service, "--url", server.base_url, "--data-dir", str(empty))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"notify-sandbox: no admin token: none kept in {empty / 'admin-token'}; give "
        "--admin-token, set SANDBOX_ADMIN_TOKEN or point --data-dir at the server's\n"
    )


def test_a_malformed_service_id_is_named_as_malformed() -> None:
    done = run_module("keys", "list", "abc")
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "notify-sandbox keys list: error: argument service_id: 'abc' is malformed: "
        "a service id is a UUID such as 5e6a8f3c-6b1d-4a3e-9c57-2f0d8b6c1a01"
    )


# -- keys ---------------------------------------------------------------------------------------
def test_keys_list_human_and_json_never_show_secrets(
    cli: Cli, server: SandboxProcess, service: dict[str, Any]
) -> None:
    assert cli.ok("keys", "list", service["id"]) == "no keys\n"
    out = cli.ok("keys", "create", service["id"], "one", "--type", "team")
    full_key = out.split("\n")[3]
    cli.ok("keys", "create", service["id"], "two", "--expires-at", "2099-01-01T00:00:00Z")
    client(server, full_key).get_all_notifications()
    keys = cli.json("keys", "list", service["id"])["api_keys"]
    assert [(k["name"], k["key_type"], k["expires_at"]) for k in keys] == [
        ("one", "team", None),
        ("two", "test", "2099-01-01T00:00:00.000000Z"),
    ]
    out = cli.ok("keys", "list", service["id"])
    one, two = out.splitlines()
    assert re.fullmatch(
        re.escape(key_line(keys[0]["id"], "team", "active", "one", "X")).replace("X", STAMP), one
    )
    assert two == key_line(keys[1]["id"], "test", "active", "two")
    for text in (out, json.dumps(keys), cli.ok("keys", "show", service["id"], keys[0]["id"])):
        assert full_key[-36:] not in text


def test_keys_show_and_activity(cli: Cli, server: SandboxProcess, service: dict[str, Any]) -> None:
    created = cli.json("keys", "create", service["id"], "watched")["data"]
    send_sms(client(server, created["key"]), service["template_id"])
    assert cli.ok("keys", "show", service["id"], created["id"]).startswith(
        f"{created['id']}  test    active   watched  (last used: "
    )
    shown = cli.json("keys", "show", service["id"], created["id"])["data"]
    assert (shown["sends"], shown["request_count"]) == ({"sms": 1, "email": 0}, 1)
    lines = cli.ok("keys", "activity", service["id"], created["id"]).splitlines()
    assert re.fullmatch(f"requests: 1  sms: 1  email: 0  last used: {STAMP}", lines[0])
    assert re.fullmatch(f"{STAMP}  created  type=test", lines[-1])


def test_keys_revoke_then_the_key_fails_and_a_second_revoke_is_an_error(
    cli: Cli, server: SandboxProcess, service: dict[str, Any]
) -> None:
    created = cli.json("keys", "create", service["id"], "doomed")["data"]
    api = client(server, created["key"])
    send_sms(api, service["template_id"])
    out = cli.ok("keys", "revoke", service["id"], created["id"])
    assert out.startswith(f"{created['id']}  test    revoked  doomed  (last used: ")
    assert api_error(send_sms, api, service["template_id"]) == (403, KEY_REVOKED)
    code, out, err = cli("keys", "revoke", service["id"], created["id"])
    assert (code, out) == (1, "")
    assert err == "notify-sandbox: This API key is already revoked. Revoking cannot be undone\n"


def test_keys_delete_and_the_last_key_rule(cli: Cli, service: dict[str, Any]) -> None:
    first = cli.json("keys", "create", service["id"], "first")["data"]
    second = cli.json("keys", "create", service["id"], "second")["data"]
    assert cli.ok("keys", "delete", service["id"], first["id"]) == "done\n"
    code, out, err = cli("keys", "delete", service["id"], second["id"])
    assert (code, out) == (1, "")
    assert err == (
        "notify-sandbox: You cannot delete the last API key of a service. "
        "Create a new key first, then delete the one you no longer need\n"
    )
    assert [k["name"] for k in cli.json("keys", "list", service["id"])["api_keys"]] == ["second"]


def test_keys_create_rules_reach_the_terminal(cli: Cli, service: dict[str, Any]) -> None:
    code, out, err = cli("keys", "create", service["id"], "live-key", "--type", "normal")
    assert (code, out) == (1, "")
    assert err == (
        "notify-sandbox: A service in trial mode can only create test and team keys. "
        "Make the service live to create a live key (on the command line: "
        f"notify-sandbox services go-live {service['id']})\n"
    )
    code, _, err = cli("keys", "create", service["id"], "two words")
    assert (code, err) == (
        1,
        "notify-sandbox: name must not contain spaces: the .NET client rejects keys with spaces\n",
    )
    code, _, err = cli("keys", "list", "99999999-9999-4999-8999-999999999999")
    assert (code, err) == (1, "notify-sandbox: No result found\n")


def test_keys_rotate_revokes_the_old_key_at_once(
    cli: Cli, server: SandboxProcess, service: dict[str, Any]
) -> None:
    old = cli.json(
        "keys", "create", service["id"], "rotated", "--type", "team", "--permission", "read"
    )
    old_api = client(server, old["data"]["key"])
    old_api.get_all_notifications()
    out = cli.ok("keys", "rotate", service["id"], old["data"]["id"])
    first, replaces, blank, shown_once, full_key, end = out.split("\n")
    [new] = [
        k for k in cli.json("keys", "list", service["id"])["api_keys"] if k["status"] == "active"
    ]
    assert first == key_line(new["id"], "team", "active", "rotated")
    assert replaces.startswith(f"Retired rotated ({old['data']['id']}): revoked now, at 20")
    assert (blank, shown_once, end) == ("", SHOWN_ONCE, "")
    assert new["permissions"] == ["read"]
    assert api_error(old_api.get_all_notifications) == (403, KEY_REVOKED)
    assert client(server, full_key).get_all_notifications()["notifications"] == []


def test_keys_rotate_with_grace_keeps_the_old_key_until_the_clock_passes(
    cli: Cli, admin: Admin, server: SandboxProcess, service: dict[str, Any]
) -> None:
    old = cli.json("keys", "create", service["id"], "graceful")["data"]
    old_api = client(server, old["key"])
    try:
        rotated = cli.json("keys", "rotate", service["id"], old["id"], "--grace", "600")
        assert rotated["replaces"] == old["id"]
        assert rotated["replaced"]["status"] == "active"
        assert "key" not in rotated["replaced"]
        new_api = client(server, rotated["data"]["key"])
        send_sms(old_api, service["template_id"])
        send_sms(new_api, service["template_id"])
        admin.advance(601)
        assert api_error(send_sms, old_api, service["template_id"]) == (403, KEY_REVOKED)
        send_sms(new_api, service["template_id"])
    finally:
        admin.reset_clock()
    other = cli.json("keys", "create", service["id"], "other")["data"]
    out = cli.ok("keys", "rotate", service["id"], other["id"], "--grace", "60")
    revoke_after = admin.show_key(service["id"], other["id"])["revoke_after"]
    assert (
        out.split("\n")[1]
        == f"Retiring other ({other['id']}): it keeps working until {revoke_after}"
    )


# -- services -----------------------------------------------------------------------------------
def test_services_create_list_go_live_and_trial(cli: Cli) -> None:
    out = cli.ok("services", "create", "CLI Service", "--email-sender", "cli.service")
    service_id, mode, name = out.rstrip("\n").split("  ")
    assert re.fullmatch(ID, service_id) and (mode, name) == ("trial", "CLI Service")
    assert f"{service_id}  trial  CLI Service" in cli.ok("services", "list").splitlines()
    assert cli.ok("services", "go-live", service_id) == f"{service_id}  live   CLI Service\n"
    listed = {s["id"]: s for s in cli.json("services", "list")["services"]}
    assert (listed[service_id]["mode"], listed[service_id]["restricted"]) == ("live", False)
    assert cli.ok("services", "trial", service_id) == f"{service_id}  trial  CLI Service\n"
    shown = cli.json("services", "update", service_id, '{"rate_limit": 42}')["data"]
    assert (shown["rate_limit"], shown["email_sender_local_part"]) == (42, "cli.service")


def test_services_errors(cli: Cli) -> None:
    code, _, err = cli("services", "update", "99999999-9999-4999-8999-999999999999", "{nope")
    assert code == 2
    assert err.startswith("notify-sandbox: settings are not valid JSON: ")
    code, _, err = cli("services", "go-live", "99999999-9999-4999-8999-999999999999")
    assert (code, err) == (1, "notify-sandbox: No result found\n")
    code, _, err = cli("services", "update", "99999999-9999-4999-8999-999999999999", "{}")
    assert (code, err) == (1, "notify-sandbox: No result found\n")


def test_an_unreachable_sandbox_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["services", "list", "--url", "http://127.0.0.1:9", "--admin-token", "t"])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err.startswith("notify-sandbox: cannot reach the sandbox: ")


# -- team and guest list ------------------------------------------------------------------------
def test_team_add_list_remove(cli: Cli, service: dict[str, Any]) -> None:
    sid = service["id"]
    assert cli.ok("team", "list", sid) == "no team members\n"
    out = cli.ok("team", "add", sid, "Ada Lovelace", "ada@example.com", "--mobile", "07700900111")
    assert out == "ada@example.com  07700900111  Ada Lovelace\n"
    cli.ok("team", "add", sid, "Bob", "bob@example.com")
    assert cli.ok("team", "list", sid) == (
        "ada@example.com  07700900111  Ada Lovelace\nbob@example.com  -  Bob\n"
    )
    every = [
        "manage_api_keys",
        "manage_service",
        "manage_templates",
        "send_messages",
        "view_activity",
    ]
    assert cli.json("team", "list", sid) == {
        "team": [
            {
                "name": "Ada Lovelace",
                "email_address": "ada@example.com",
                "mobile_number": "07700900111",
                "permissions": every,
                "can_sign_in": False,
            },
            {
                "name": "Bob",
                "email_address": "bob@example.com",
                "mobile_number": None,
                "permissions": every,
                "can_sign_in": False,
            },
        ]
    }
    # a dashboard password, read from standard input (never an argument: shells keep history)
    code, out, err = cli("team", "set-password", sid, "bob@example.com", stdin="short\n")
    assert (code, err) == (1, "notify-sandbox: password must be at least 8 characters\n")
    out = cli.ok("team", "set-password", sid, "bob@example.com", stdin="a-long-password\n")
    assert out == "password set for bob@example.com\n"
    assert cli.json("team", "list", sid)["team"][1]["can_sign_in"] is True
    assert cli.ok("team", "remove", sid, "ada@example.com") == "bob@example.com  -  Bob\n"
    code, out, err = cli("team", "remove", sid, "ada@example.com")
    assert (code, out, err) == (1, "", "notify-sandbox: No result found\n")
    code, _, err = cli("team", "add", sid, "Eve", "not-an-email")
    assert (code, err) == (1, "notify-sandbox: email_address Not a valid email address\n")
    code, _, err = cli("team", "add", sid, "Eve", "eve@example.com", "--mobile", "07700")
    assert (code, err) == (1, "notify-sandbox: mobile_number Not enough digits\n")


def test_guest_list_add_list_remove(cli: Cli, service: dict[str, Any]) -> None:
    sid = service["id"]
    assert cli.ok("guest-list", "list", sid) == "the guest list is empty\n"
    assert cli.ok("guest-list", "add", sid, "guest@example.com") == "guest@example.com\n"
    assert cli.ok("guest-list", "add", sid, "07700900222") == "guest@example.com\n07700900222\n"
    assert cli.json("guest-list", "list", sid) == {
        "guest_list": ["guest@example.com", "07700900222"]
    }
    assert cli.ok("guest-list", "remove", sid, "+447700900222") == "guest@example.com\n"
    code, _, err = cli("guest-list", "remove", sid, "07700900222")
    assert (code, err) == (1, "notify-sandbox: No result found\n")
    code, _, err = cli("guest-list", "add", sid, "nobody@")
    assert (code, err) == (1, "notify-sandbox: recipient Not a valid email address\n")
    code, _, err = cli("guest-list", "add", sid, "0770090011x")
    assert (code, err) == (1, "notify-sandbox: recipient Must not contain letters or symbols\n")

"""Issue 6 item 3: key secrets at rest (seed 004: "chiffrer au repos", never plain text files).

Secrets are sealed with AES-GCM, looked up by a keyed hash; the master key comes from
SANDBOX_SECRET_KEY or a 0600 key file. A grep of the SQLite files and the server log for
every secret, in every form a request could carry it, finds nothing.
"""

from __future__ import annotations

import base64
import sqlite3
import stat
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import KEYS
from tests.integration.key_support import Admin, client, running_sandbox, send_sms
from tests.sandbox_process import SandboxProcess

ALL_SCHEMES = {
    "SANDBOX_AUTH_SCHEMES": "apikey-v1,bearer-key,basic,query",
    "SANDBOX_SECRET_KEY": "",
    "SANDBOX_LOG_LEVEL": "debug",  # the most the log could ever say
}


def forms(full_key: str) -> dict[str, bytes]:
    """Every shape in which a key could leak: as typed, as sent, as stored."""
    secret = full_key[-36:]
    return {
        "secret": secret.encode(),
        "secret-hex": uuid.UUID(secret).hex.encode(),
        "secret-bytes": uuid.UUID(secret).bytes,
        "full-key": full_key.encode(),
        "basic-header": base64.b64encode(full_key.encode()),
    }


def leaks(data_dir: Path, full_keys: list[str], *, skip: tuple[str, ...] = ()) -> list[str]:
    found = []
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file() and p.name not in skip):
        content = path.read_bytes()
        for full_key in full_keys:
            for form, needle in forms(full_key).items():
                if needle in content:
                    found.append(f"{path.name}: {form} of {full_key[:12]}...")
    return found


def store_files(data_dir: Path) -> list[str]:
    return sorted(p.name for p in data_dir.iterdir() if p.name.startswith("sandbox.db"))


def use_every_way(server: SandboxProcess, admin: Admin, service: dict[str, Any], key: str) -> None:
    """Send and read with the key over JWT and each full-key scheme, and fail once."""
    api = client(server, key)
    send_sms(api, service["template_id"])
    api.send_email_notification("ada@example.com", service["email_template_id"], {"name": "A"})
    api.get_all_notifications()
    encoded = base64.b64encode(key.encode()).decode()
    base = f"{server.base_url}/v2/notifications"
    with httpx.Client(timeout=10) as http:
        for headers, params in (
            ({"Authorization": f"ApiKey-v1 {key}"}, {}),
            ({"Authorization": f"Bearer {key}"}, {}),
            ({"Authorization": f"Basic {encoded}"}, {}),
            ({}, {"api_key": key}),
            ({}, {"api_key": key, "reference": "r"}),
        ):
            assert http.get(base, headers=headers, params=params).status_code == 200
        # failures are logged too: a wrong secret next to a real key string
        wrong = key[:-36] + str(uuid.uuid4())
        assert http.get(base, headers={"Authorization": f"ApiKey-v1 {wrong}"}).status_code == 403
        assert http.get(base, params={"api_key": key, "status": "nonsense"}).status_code == 400


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """One server for the module; the restart test comes last and leaves it running."""
    with running_sandbox(tmp_path_factory.mktemp("secrets") / "data", ALL_SCHEMES) as process:
        yield process


def new_live_service(admin: Admin) -> dict[str, Any]:
    service = admin.new_service(live=True)
    service["template_id"] = admin.new_template(service["id"])["id"]
    service["email_template_id"] = admin.new_template(service["id"], "email")["id"]
    return service


def test_the_stored_row_holds_ciphertext_and_a_digest_only(server: SandboxProcess) -> None:
    admin = Admin(server.base_url)
    service = new_live_service(admin)
    full_key = admin.new_key(service["id"], "sealed")["key"]
    admin.close()
    secret = full_key[-36:]
    with sqlite3.connect(f"file:{server.data_dir / 'sandbox.db'}?mode=ro", uri=True) as db:
        ciphertext, digest = db.execute(
            "SELECT secret_ciphertext, secret_digest FROM api_keys WHERE name = 'sealed'"
        ).fetchone()
    assert isinstance(ciphertext, bytes)
    assert len(ciphertext) == 12 + len(secret) + 16  # nonce, AES-GCM body, tag
    assert secret.encode() not in ciphertext
    assert len(digest) == 64 and secret not in digest


def test_fixture_secrets_are_sealed_the_same_way(server: SandboxProcess) -> None:
    fixture_keys = list(KEYS.values())
    # the banner prints the fixture keys, which come from a file in the repo anyway
    assert leaks(server.data_dir, fixture_keys, skip=("server.log",)) == []
    send_sms(client(server, KEYS["test"]), "51111111-1111-4111-8111-111111111113")
    assert leaks(server.data_dir, fixture_keys, skip=("server.log",)) == []


def test_the_master_key_file_is_created_with_mode_0600(server: SandboxProcess) -> None:
    key_file = server.data_dir / "master.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(base64.urlsafe_b64decode(key_file.read_bytes().strip())) == 32


def test_a_configured_master_key_means_no_key_file(tmp_path: Path) -> None:
    env = {"SANDBOX_SECRET_KEY": base64.urlsafe_b64encode(b"k" * 32).decode()}
    with running_sandbox(tmp_path / "data", env) as server:
        admin = Admin(server.base_url)
        service = new_live_service(admin)
        full_key = admin.new_key(service["id"], "configured")["key"]
        admin.close()
        assert not (server.data_dir / "master.key").exists()
        server.stop()
        server.start()
        send_sms(client(server, full_key), service["template_id"])
        assert not (server.data_dir / "master.key").exists()
        assert leaks(server.data_dir, [full_key]) == []


def test_last_use_is_not_a_database_write_per_request(server: SandboxProcess) -> None:
    admin = Admin(server.base_url)
    service = new_live_service(admin)
    created = admin.new_key(service["id"], "busy")
    api = client(server, created["key"])
    database = f"file:{server.data_dir / 'sandbox.db'}?mode=ro"

    def stored() -> tuple[object, int]:
        with sqlite3.connect(database, uri=True) as db:
            row = db.execute(
                "SELECT last_used_at, request_count FROM api_keys WHERE id = ?", (created["id"],)
            ).fetchone()
        return row[0], int(row[1])

    for _ in range(3):
        api.get_all_notifications()
        assert stored() == (None, 0)
    # the admin API already shows it, from memory
    shown = admin.show_key(service["id"], created["id"])
    assert shown["request_count"] == 3
    assert shown["last_used_at"] is not None
    deadline = time.monotonic() + 5
    while stored()[1] == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    last_used, count = stored()
    assert count == 3 and last_used is not None
    assert admin.show_key(service["id"], created["id"])["request_count"] == 3
    admin.close()


def test_no_secret_is_found_in_the_store_or_the_log(server: SandboxProcess) -> None:
    admin = Admin(server.base_url)
    service = new_live_service(admin)
    created = [admin.new_key(service["id"], f"{t}-key", t) for t in ("test", "team", "normal")]
    admin.post(
        f"/services/{service['id']}/team",
        {"name": "Ada", "email_address": "ada@example.com", "mobile_number": "07700900123"},
    )
    for key in created:
        use_every_way(server, admin, service, key["key"])
    rotated = admin.post(admin.keys_path(service["id"], created[0]["id"], "/rotate"), {})
    revoked = admin.revoke(service["id"], created[1]["id"])
    assert revoked["status"] == "revoked"
    full_keys = [k["key"] for k in created] + [rotated.json()["data"]["key"]]
    use_every_way(server, admin, service, full_keys[-1])
    admin.close()

    assert store_files(server.data_dir)[0] == "sandbox.db"
    assert "sandbox.db-wal" in store_files(server.data_dir)
    assert server.log_path.stat().st_size > 0
    assert leaks(server.data_dir, full_keys) == []

    server.stop()  # usage is flushed and the WAL checkpointed into the main file on close
    assert leaks(server.data_dir, full_keys) == []

    # the same master key file opens the sealed secrets after a restart, and is kept as it was
    master_key = (server.data_dir / "master.key").read_bytes()
    server.start()
    assert (server.data_dir / "master.key").read_bytes() == master_key
    assert stat.S_IMODE((server.data_dir / "master.key").stat().st_mode) == 0o600
    for full_key in full_keys[2:]:
        send_sms(client(server, full_key), service["template_id"])
    assert leaks(server.data_dir, full_keys) == []

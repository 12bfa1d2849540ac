"""Defect 8 and the secrets grep: no key secret, JWT, admin token or full recipient is written
to the data dir, the SQLite WAL or the debug JSON log, even by aiohttp's own error log.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import KEYS
from tests.reliability.jwt_support import send_sms
from tests.reliability.support import ADMIN, jwt_for, service_path
from tests.sandbox_process import ADMIN_TOKEN, SandboxProcess

RECIPIENT_EMAIL = "secret.person@example.com"
RECIPIENT_PHONE = "07700900501"


@pytest.fixture(scope="module")
def debug_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    process = SandboxProcess(
        Path(tmp_path_factory.mktemp("secrets")), env={"SANDBOX_LOG_LEVEL": "debug"}
    )
    process.start()
    yield process
    process.stop()


def _raw(sandbox: SandboxProcess, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=5) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _every_file(root: Path, skip: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and p != skip)


def _json_log(sandbox: SandboxProcess) -> bytes:
    """The structured log: every JSON line (the start-up banner, which shows the fixture's
    keys to the user who started the sandbox, is plain text and left out)."""
    lines = []
    for line in sandbox.log_path.read_bytes().splitlines():
        try:
            json.loads(line)
        except ValueError:
            continue
        lines.append(line)
    return b"\n".join(lines)


def test_a_parser_error_does_not_log_the_raw_header(debug_sandbox: SandboxProcess) -> None:
    token = jwt_for("team")
    answer = _raw(
        debug_sandbox,
        b"GET /v2/notifications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + token.encode()
        + b"\x00\r\nConnection: close\r\n\r\n",
    )
    assert answer.split(b"\r\n", 1)[0].endswith(b" 400 Bad Request"), answer
    assert b'"status_code":400' in answer and token.encode() not in answer
    # and the server still answers, and has written its log line
    assert requests.get(debug_sandbox.base_url + "/_status", timeout=5).status_code == 200
    log = debug_sandbox.log_path.read_bytes()
    assert b"unreadable_request" in log
    # the admin token came from the environment: the banner does not print it either
    assert ADMIN_TOKEN.encode() not in log
    assert token.encode() not in log
    assert token.split(".")[2].encode() not in log  # not even the signature


def test_no_secret_reaches_the_data_dir_the_wal_or_the_debug_log(
    debug_sandbox: SandboxProcess,
) -> None:
    # work that touches keys, tokens and recipients
    send_sms(debug_sandbox, "team")
    requests.put(
        debug_sandbox.base_url + service_path("/callbacks/delivery-status"),
        json={"url": "https://hooks.example.com/cb", "bearer_token": "callback-secret-0123456789"},
        headers=ADMIN,
        timeout=5,
    )
    created = requests.post(
        debug_sandbox.base_url + service_path("/api-keys"),
        json={"name": "grep-me", "key_type": "test"},
        headers=ADMIN,
        timeout=5,
    ).json()["data"]["key"]
    requests.post(
        debug_sandbox.base_url + "/v2/notifications/email",
        json={
            "email_address": RECIPIENT_EMAIL,
            "template_id": "51111111-1111-4111-8111-111111111112",
            "personalisation": {"name": "n", "items": "i", "show": "s"},
        },
        headers={"Authorization": f"Bearer {jwt_for('test')}"},
        timeout=5,
    )
    requests.get(
        debug_sandbox.base_url + "/v2/notifications",
        headers={"Authorization": "Bearer " + jwt_for("team") + "x"},  # a bad token, logged?
        timeout=5,
    )
    secrets = {
        "admin token": ADMIN_TOKEN,
        "new key's secret": created[-36:],
        "callback token": "callback-secret-0123456789",
        "a JWT": jwt_for("team").rsplit(".", 1)[0],
        **{f"{name} key secret": full[-36:] for name, full in KEYS.items()},
    }
    stored = _every_file(debug_sandbox.data_dir, skip=debug_sandbox.log_path)  # db, -wal, ...
    log = _json_log(debug_sandbox)
    assert (debug_sandbox.data_dir / "sandbox.db").exists() and log
    in_storage = [name for name, secret in secrets.items() if secret.encode() in stored]
    # a recipient is stored (GET answers with it) but never logged in full
    logged = [
        name
        for name, secret in {**secrets, "full recipient": RECIPIENT_EMAIL}.items()
        if secret.encode() in log
    ]
    assert (in_storage, logged) == ([], [])

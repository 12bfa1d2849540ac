"""Callback bearer tokens are secrets too: sealed at rest, like API key secrets."""

from __future__ import annotations

import requests

from tests.conftest import LIVE_SERVICE
from tests.sandbox_process import ADMIN_TOKEN, SandboxProcess


def test_callback_token_is_not_stored_in_plain_text(fresh_sandbox: SandboxProcess) -> None:
    fresh_sandbox.extra_env["SANDBOX_CALLBACKS_ALLOW_HTTP"] = "true"
    fresh_sandbox.extra_env["SANDBOX_CALLBACKS_ALLOW_ADDRESSES"] = "127.0.0.1"
    fresh_sandbox.start()
    token = "callback-token-that-must-not-leak-7f3a"
    response = requests.put(
        f"{fresh_sandbox.base_url}/sandbox/v1/services/{LIVE_SERVICE}/callbacks/delivery-status",
        json={"url": "http://127.0.0.1:9/callback", "bearer_token": token},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=5,
    )
    assert response.status_code == 200
    fresh_sandbox.stop()

    stored = b"".join(
        path.read_bytes() for path in fresh_sandbox.data_dir.glob("sandbox.db*") if path.is_file()
    )
    assert token.encode() not in stored

    fresh_sandbox.start()
    shown = requests.get(
        f"{fresh_sandbox.base_url}/sandbox/v1/services/{LIVE_SERVICE}/callbacks",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=5,
    ).json()
    assert shown["delivery_status"]["bearer_token"] == "ca" + "*" * (len(token) - 2)

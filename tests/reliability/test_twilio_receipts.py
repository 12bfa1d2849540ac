"""Defect 6: the Twilio receipt route checks credentials before reading, reads little, and
answers a malformed body with a 4xx.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from simulator.providers.twilio import twilio_signature
from tests.reliability.support import parse_response, raw_request
from tests.sandbox_process import SandboxProcess, free_port

PATH = "/sandbox/v1/receipts/twilio"
TOKEN = "twilio-auth-token-for-tests"


@pytest.fixture(scope="module")
def twilio_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    port = free_port()
    providers = [
        {
            "name": "twilio",
            "kind": "twilio",
            "channel": "sms",
            "settings": {
                "account_sid": "AC" + "1" * 32,
                "auth_token": TOKEN,
                "from_number": "+447700900000",
                "base_url": "http://127.0.0.1:9",
                "status_callback_url": f"http://127.0.0.1:{port}{PATH}",
            },
        }
    ]
    env = {"SANDBOX_PROVIDERS": json.dumps(providers)}
    data = Path(tmp_path_factory.mktemp("twilio"))
    process = SandboxProcess(data, env=env, port=port).start()
    yield process
    process.stop()


def _headers_only(sandbox: SandboxProcess, headers: dict[str, str], length: int) -> float:
    """Send a request's headers, never its body; return how long the answer took."""
    lines = [f"POST {PATH} HTTP/1.1", f"Host: 127.0.0.1:{sandbox.port}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    lines += [f"Content-Length: {length}", "Connection: close"]
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        raw = sock.recv(65536)
    elapsed = time.monotonic() - started
    response = parse_response(raw)
    assert 400 <= response.status < 500, response
    return elapsed


def test_an_unsigned_receipt_is_refused_before_its_body_is_read(
    twilio_sandbox: SandboxProcess,
) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert _headers_only(twilio_sandbox, form, 15_000_000) < 2.0


def test_a_large_signed_receipt_is_refused_before_its_body_is_read(
    twilio_sandbox: SandboxProcess,
) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"}
    assert _headers_only(twilio_sandbox, headers, 15_000_000) < 2.0


def test_a_malformed_multipart_body_is_a_4xx(twilio_sandbox: SandboxProcess) -> None:
    response = raw_request(
        twilio_sandbox,
        "POST",
        PATH,
        body=b"--x\r\nContent-Disposition: form-data; name\r\n\r\nbroken",
        headers={"Content-Type": "multipart/form-data; boundary=x", "X-Twilio-Signature": "x"},
    )
    assert 400 <= response.status < 500, response
    assert response.json()["errors"]


def test_an_unknown_sid_with_a_bad_signature_is_403_not_404(
    twilio_sandbox: SandboxProcess,
) -> None:
    url = twilio_sandbox.base_url + PATH
    form = {"MessageSid": "SM" + "0" * 32, "MessageStatus": "delivered"}
    forged = requests.post(url, data=form, headers={"X-Twilio-Signature": "forged"}, timeout=5)
    assert forged.status_code == 403
    signed = requests.post(
        url,
        data=form,
        headers={"X-Twilio-Signature": twilio_signature(TOKEN, url, list(form.items()))},
        timeout=5,
    )
    assert signed.status_code == 404

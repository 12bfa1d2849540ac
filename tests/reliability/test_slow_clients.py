"""Defect 7 and the slow-client suite: header and body time-outs fire (408 in the envelope
where a response can still be sent), a connection cap holds, an abandoned send gives its
allowance back, and a normal request still answers in under a second meanwhile.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, suppress
from pathlib import Path

import pytest
import requests

from tests.integration.limits_support import TEAM_PHONE, new_service, usage
from tests.reliability.support import parse_response
from tests.sandbox_process import SandboxProcess

TIMEOUT = 1.0
CAP = 40


@pytest.fixture(scope="module")
def strict_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    env = {
        "SANDBOX_HEADER_TIMEOUT_SECONDS": str(TIMEOUT),
        "SANDBOX_BODY_TIMEOUT_SECONDS": str(TIMEOUT),
        "SANDBOX_MAX_CONNECTIONS": str(CAP),
    }
    process = SandboxProcess(Path(tmp_path_factory.mktemp("slow")), env=env).start()
    yield process
    process.stop()


def _connect(sandbox: SandboxProcess) -> socket.socket:
    return socket.create_connection(("127.0.0.1", sandbox.port), timeout=10)


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def _quick_status(sandbox: SandboxProcess) -> float:
    started = time.monotonic()
    assert requests.get(sandbox.base_url + "/_status", timeout=5).status_code == 200
    return time.monotonic() - started


def test_a_trickled_body_gets_a_408_and_gives_its_allowance_back(
    strict_sandbox: SandboxProcess,
) -> None:
    service = new_service(strict_sandbox, restricted=True)
    token = service.token("team")
    body = (f'{{"phone_number": "{TEAM_PHONE}", "template_id": "{service.sms_template}"}}').encode()
    head = (
        f"POST /v2/notifications/sms HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    started = time.monotonic()
    with _connect(strict_sandbox) as sock:
        sock.sendall(head + body[:1])
        answer = b""
        for byte in body[1:]:  # one byte every 0.2 s: far slower than the time-out allows
            time.sleep(0.2)
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
            sock.setblocking(False)
            with suppress(BlockingIOError):
                answer += sock.recv(65536)
            sock.setblocking(True)
            if answer:
                break
        sock.settimeout(5)
        answer += _read_all(sock)
    elapsed = time.monotonic() - started
    response = parse_response(answer)
    assert response.status == 408, response
    assert response.json() == {
        "status_code": 408,
        "errors": [{"error": "RequestTimeoutError", "message": "Request timed out"}],
    }
    assert elapsed < TIMEOUT + 3
    assert usage(strict_sandbox, service.id)["channels"]["sms"]["used"] == 0


def test_slow_headers_and_idle_connections_are_closed(strict_sandbox: SandboxProcess) -> None:
    with ExitStack() as stack:
        idle = [stack.enter_context(_connect(strict_sandbox)) for _ in range(10)]
        slow = stack.enter_context(_connect(strict_sandbox))
        slow.sendall(b"GET /_status HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        for _ in range(3):  # slowloris: a header line now and then, never the end
            time.sleep(0.3)
            slow.sendall(b"X-Slow: 1\r\n")
        assert _quick_status(strict_sandbox) < 1.0  # others are served meanwhile
        slow.settimeout(TIMEOUT + 5)
        assert parse_or_closed(_read_all(slow))
        for sock in idle:
            sock.settimeout(TIMEOUT + 5)
            assert _read_all(sock) == b""
        assert time.monotonic() - started < TIMEOUT + 5


def parse_or_closed(raw: bytes) -> bool:
    """A slowloris connection is answered 408 in the envelope, then closed."""
    response = parse_response(raw)
    return response.status == 408 and response.json()["errors"][0]["error"] == (
        "RequestTimeoutError"
    )


def test_connections_over_the_cap_are_refused_and_the_cap_frees_up(
    strict_sandbox: SandboxProcess,
) -> None:
    with ExitStack() as stack:
        held = [stack.enter_context(_connect(strict_sandbox)) for _ in range(CAP)]
        time.sleep(0.2)  # let the server accept them all
        extra = stack.enter_context(_connect(strict_sandbox))
        extra.sendall(b"GET /_status HTTP/1.1\r\nHost: x\r\n\r\n")
        extra.settimeout(5)
        refused = parse_response(_read_all(extra))
        assert refused.status == 503, refused
        assert refused.json()["errors"][0]["error"] == "ServiceUnavailableError"
        assert len(held) == CAP
    # the held ones are gone: a normal request is served at once
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            if _quick_status(strict_sandbox) < 1.0:
                return
        except (AssertionError, requests.RequestException):
            time.sleep(0.05)
    raise AssertionError("the cap did not free up")


def test_a_send_abandoned_mid_body_gives_its_allowance_back(
    strict_sandbox: SandboxProcess,
) -> None:
    service = new_service(strict_sandbox, restricted=True)
    head = (
        f"POST /v2/notifications/sms HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {service.token('team')}\r\n"
        "Content-Type: application/json\r\nContent-Length: 500\r\n\r\n"
    ).encode()
    for _ in range(5):
        with _connect(strict_sandbox) as sock:
            sock.sendall(head + b'{"phone_number": ')
    deadline = time.monotonic() + TIMEOUT + 3
    used = None
    while time.monotonic() < deadline:
        used = usage(strict_sandbox, service.id)["channels"]["sms"]["used"]
        if used == 0:
            break
        time.sleep(0.05)
    assert used == 0
    sent = service.sms("team")  # and the allowance is all there
    assert sent["id"]


def test_a_kept_alive_connection_that_goes_idle_is_closed_without_a_408(
    strict_sandbox: SandboxProcess,
) -> None:
    with _connect(strict_sandbox) as sock:
        sock.sendall(b"GET /_status HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.settimeout(TIMEOUT + 5)
        rest = _read_all(sock)  # the answer, then the close at the header time-out
    first = parse_response(rest)
    assert first.status == 200
    assert b"408" not in rest

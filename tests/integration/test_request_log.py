"""Issue 11 item 4: one JSON line per request, from the real server's output."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from tests.conftest import KEYS
from tests.contract.support import SMS_TEMPLATE
from tests.sandbox_process import ADMIN_TOKEN, SandboxProcess

PHONE = "07700900123"
CODE = {"name": "Ada", "code": "1234"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    process = SandboxProcess(tmp_path_factory.mktemp("request-log")).start()
    yield process
    process.stop()


def _lines(server: SandboxProcess) -> list[dict[str, Any]]:
    found = []
    for line in server.log_path.read_text("utf-8").splitlines():
        if line.startswith("{"):
            found.append(json.loads(line))
    return found


def _line_for(server: SandboxProcess, **wanted: Any) -> dict[str, Any]:
    """The request line with these fields, once the server has written it."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for line in _lines(server):
            if all(line.get(k) == v for k, v in wanted.items()):
                return line
        time.sleep(0.02)
    raise AssertionError(f"no log line with {wanted}:\n{server.log_path.read_text()}")


@pytest.mark.parametrize(("key", "shown"), [("test", "test"), ("team", "team"), ("live", "live")])
def test_a_send_is_one_info_line_with_its_facts(
    server: SandboxProcess, key: str, shown: str
) -> None:
    client = NotificationsAPIClient(KEYS[key], base_url=server.base_url)
    phone = "07700900501" if key == "team" else PHONE  # the team member, for a team key
    sent = client.send_sms_notification(phone, SMS_TEMPLATE, CODE)
    line = _line_for(server, event="request", notification_id=sent["id"])
    assert line["level"] == "info"
    assert (line["method"], line["path"], line["status"]) == ("POST", "/v2/notifications/sms", 201)
    assert line["key_type"] == shown
    assert isinstance(line["duration_ms"], float)
    assert line["recipient"] == f"077*****{phone[-3:]}"
    assert phone not in server.log_path.read_text()


def test_a_refused_send_and_a_read_are_logged(server: SandboxProcess) -> None:
    client = NotificationsAPIClient(KEYS["test"], base_url=server.base_url)
    with pytest.raises(HTTPError):
        client.send_sms_notification(PHONE, SMS_TEMPLATE, {"name": "Ada"}, reference="nocode")
    line = _line_for(server, event="request", status=400, path="/v2/notifications/sms")
    assert (line["error"], line["key_type"]) == ("BadRequestError", "test")
    sent = client.send_sms_notification(PHONE, SMS_TEMPLATE, CODE)
    client.get_notification_by_id(sent["id"])
    line = _line_for(server, event="request", method="GET", notification_id=sent["id"])
    assert line["status"] == 200


def test_a_failed_auth_names_its_reason_but_never_the_token(server: SandboxProcess) -> None:
    wrong = KEYS["test"][:-1] + ("0" if KEYS["test"][-1] != "0" else "1")
    client = NotificationsAPIClient(wrong, base_url=server.base_url)
    with pytest.raises(HTTPError):
        client.get_all_notifications(reference="auth-failure")
    line = _line_for(server, event="request", status=403, path="/v2/notifications")
    assert line["reason"] == "Invalid token: API key not found"
    log = server.log_path.read_text()
    assert wrong[-36:] not in log
    assert "Bearer" not in log


def test_admin_requests_are_logged_as_admin_without_the_token(server: SandboxProcess) -> None:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    assert requests.get(f"{server.base_url}/sandbox/v1/services", headers=headers).ok
    _line_for(server, event="request", path="/sandbox/v1/services", key_type="admin")
    assert ADMIN_TOKEN not in server.log_path.read_text()


def test_a_client_that_goes_away_mid_body_is_an_info_line(server: SandboxProcess) -> None:
    head = (
        "POST /sandbox/v1/services HTTP/1.1\r\nHost: sandbox\r\n"
        f"Authorization: Bearer {ADMIN_TOKEN}\r\n"
        "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        # half a body, then the connection closes with the handler waiting for the rest
        sock.sendall(head.encode() + b'{"name": "gone')
    line = _line_for(server, event="client_disconnected", path="/sandbox/v1/services")
    assert line["level"] == "info"
    log = server.log_path.read_text()
    assert "Traceback" not in log
    assert "unhandled_error" not in log

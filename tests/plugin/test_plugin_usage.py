"""The pytest plugin, used exactly as a project's own test suite would use it.

Only the `notify_sandbox` fixtures and the official client (and the handle's type, for hints).
"""

from __future__ import annotations

import json
import queue
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

if TYPE_CHECKING:
    from simulator.testing import NotifySandbox

PHONE = "07700900123"
# the callback receiver's URL and what it was sent: (headers, JSON body) per request
CallbackLog = tuple[str, queue.Queue[tuple[dict[str, str], Any]]]


def unique(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}"


def send_code(
    client: NotificationsAPIClient, sandbox: NotifySandbox, reference: str
) -> dict[str, Any]:
    sent: dict[str, Any] = client.send_sms_notification(
        PHONE,
        sandbox.template_ids["Verification code"],
        personalisation={"code": "481516", "minutes": 10},
        reference=reference,
    )
    return sent


@pytest.fixture
def callback_receiver() -> Iterator[CallbackLog]:
    """Our service's callback endpoint: a plain HTTP server that records what it is sent."""
    received: queue.Queue[tuple[dict[str, str], Any]] = queue.Queue()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.put((dict(self.headers), json.loads(body)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/notify-callback", received
    server.shutdown()
    server.server_close()
    thread.join()


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_the_readme_example(notify_sandbox: NotifySandbox) -> None:
    client = NotificationsAPIClient(notify_sandbox.test_key, base_url=notify_sandbox.base_url)
    template_id = notify_sandbox.template_ids["Verification code"]
    client.send_sms_notification("07700900123", template_id, {"code": "123456", "minutes": 5})
    assert "123456" in notify_sandbox.wait_for_message(type="sms")["body"]


def test_send_a_text_then_read_its_body(notify_sandbox: NotifySandbox) -> None:
    client = NotificationsAPIClient(notify_sandbox.test_key, base_url=notify_sandbox.base_url)
    reference = unique("signup")
    sent = send_code(client, notify_sandbox, reference)

    message = notify_sandbox.wait_for_message(reference=reference)

    assert message["notification_id"] == sent["id"]
    assert message["body"] == "Your sandbox code is 481516. It expires in 10 minutes."
    assert message["key_type"] == "test"
    assert message["status"] == "delivered"  # timelines are instant by default
    assert notify_sandbox.message(sent["id"])["body"] == message["body"]


def test_an_email_has_its_html(notify_sandbox: NotifySandbox) -> None:
    client = NotificationsAPIClient(notify_sandbox.test_key, base_url=notify_sandbox.base_url)
    reference = unique("notice")
    sent = client.send_email_notification(
        "someone@example.com", notify_sandbox.template_ids["Plain notice"], reference=reference
    )

    message = notify_sandbox.wait_for_message(reference=reference, type="email")

    assert message["subject"] == "A notice from the sandbox"
    assert "This email has no placeholders." in message["body"]
    assert "This email has no placeholders." in notify_sandbox.message(sent["id"])["html"]


def test_reset_removes_only_the_service_asked_for(notify_sandbox: NotifySandbox) -> None:
    client = NotificationsAPIClient(notify_sandbox.test_key, base_url=notify_sandbox.base_url)
    reference = unique("reset")
    send_code(client, notify_sandbox, reference)
    notify_sandbox.wait_for_message(reference=reference)

    assert notify_sandbox.reset(service_id=str(uuid.uuid4())) == 0
    assert notify_sandbox.messages(reference=reference)

    assert notify_sandbox.reset(service_id=notify_sandbox.service_id) == 1
    assert notify_sandbox.messages(reference=reference) == []


def test_waiting_for_nothing_fails_with_what_the_sandbox_holds(
    notify_sandbox: NotifySandbox,
) -> None:
    client = NotificationsAPIClient(notify_sandbox.test_key, base_url=notify_sandbox.base_url)
    send_code(client, notify_sandbox, unique("other"))

    with pytest.raises(AssertionError, match=r"no message matching reference='never'") as error:
        notify_sandbox.wait_for_message(timeout=1, reference="never")

    assert "sms to" in str(error.value)


def test_a_misspelt_filter_is_an_error(notify_sandbox: NotifySandbox) -> None:
    with pytest.raises(TypeError, match="recipeint"):
        notify_sandbox.messages(recipeint=PHONE)


def test_the_clock_moves_without_sleeping(notify_sandbox: NotifySandbox) -> None:
    assert notify_sandbox.advance_clock(86400)["offset_seconds"] == 86400
    client = NotificationsAPIClient(notify_sandbox.test_key, base_url=notify_sandbox.base_url)
    sent = send_code(client, notify_sandbox, unique("tomorrow"))
    created = client.get_notification_by_id(sent["id"])["created_at"]
    assert parse_time(created) > datetime.now(UTC) + timedelta(hours=23)

    moved = notify_sandbox.set_clock("2030-01-01T09:00:00Z")
    assert moved["now"].startswith("2030-01-01T09:00:00")
    assert notify_sandbox.reset_clock()["offset_seconds"] == 0


@pytest.mark.notify_sandbox(sim_sending_delay=0, sim_delivery_delay=600)
def test_a_slow_delivery_finishes_when_the_clock_moves(notify_sandbox: NotifySandbox) -> None:
    client = NotificationsAPIClient(notify_sandbox.test_key, base_url=notify_sandbox.base_url)
    reference = unique("slow")
    sent = send_code(client, notify_sandbox, reference)
    assert client.get_notification_by_id(sent["id"])["status"] != "delivered"

    notify_sandbox.advance_clock(601)

    message = notify_sandbox.wait_for_message(reference=reference, status="delivered")
    assert message["notification_id"] == sent["id"]


def test_a_429_then_a_technical_failure(notify_sandbox: NotifySandbox) -> None:
    client = NotificationsAPIClient(notify_sandbox.test_key, base_url=notify_sandbox.base_url)
    rule = notify_sandbox.inject_fault(effect="http_error", http_status=429, count=1)
    assert rule["id"]

    with pytest.raises(HTTPError) as refused:
        send_code(client, notify_sandbox, unique("limited"))
    assert refused.value.status_code == 429

    notify_sandbox.inject_fault(effect="status", status="technical-failure", channel="sms")
    reference = unique("broken")
    send_code(client, notify_sandbox, reference)
    assert notify_sandbox.wait_for_message(reference=reference)["status"] == "technical-failure"

    notify_sandbox.clear_faults()
    reference = unique("fixed")
    send_code(client, notify_sandbox, reference)
    assert notify_sandbox.wait_for_message(reference=reference)["status"] == "delivered"


def test_an_inbound_text_reaches_the_service(notify_sandbox: NotifySandbox) -> None:
    client = NotificationsAPIClient(notify_sandbox.test_key, base_url=notify_sandbox.base_url)
    notify_sandbox.inbound_sms("07700900456", "STOP")

    texts = client.get_received_texts()["received_text_messages"]

    assert any(text["content"] == "STOP" for text in texts)


@pytest.mark.notify_sandbox(fixtures=["../fixtures/contract.yaml"])
def test_a_fixture_file_of_our_own(notify_sandbox: NotifySandbox) -> None:
    assert "contract-test" in notify_sandbox.keys
    assert notify_sandbox.service_id == "11111111-1111-4111-8111-111111111111"
    client = NotificationsAPIClient(notify_sandbox.team_key, base_url=notify_sandbox.base_url)
    template = client.get_template(notify_sandbox.template_ids["Plain SMS"])
    assert template["body"] == "A plain message"


def test_the_session_sandbox_is_shared(notify_sandbox_session: NotifySandbox) -> None:
    client = NotificationsAPIClient(
        notify_sandbox_session.live_key, base_url=notify_sandbox_session.base_url
    )
    reference = unique("session")
    send_code(client, notify_sandbox_session, reference)

    message = notify_sandbox_session.wait_for_message(reference=reference, key_type="normal")

    assert "481516" in message["body"]
    notify_sandbox_session.reset(service_id=notify_sandbox_session.service_id)


def test_the_delivery_callback_arrives(
    notify_sandbox: NotifySandbox, callback_receiver: CallbackLog
) -> None:
    url, received = callback_receiver
    notify_sandbox.set_callback(url, "a-long-enough-token")
    client = NotificationsAPIClient(notify_sandbox.test_key, base_url=notify_sandbox.base_url)
    reference = unique("callback")
    sent = send_code(client, notify_sandbox, reference)

    headers, payload = received.get(timeout=5)

    assert headers["Authorization"] == "Bearer a-long-enough-token"
    assert payload["id"] == sent["id"]
    assert payload["reference"] == reference
    assert payload["status"] == "delivered"

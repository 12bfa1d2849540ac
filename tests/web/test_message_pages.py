"""Dashboard, message log and one message: what was sent, by which kind of key."""

from __future__ import annotations

import re
import time

import httpx
from notifications_python_client.notifications import NotificationsAPIClient

from tests.sandbox_process import SandboxProcess
from tests.web.support import (
    EMAIL_TEMPLATE,
    LETTER_TEMPLATE,
    LIVE,
    SMS_TEMPLATE,
    TEAM_KEY,
    TEST_KEY,
    Browser,
    h1,
    text,
)


def wait_for_status(dashboard: SandboxProcess, notification_id: str, key: str) -> None:
    client = NotificationsAPIClient(key, base_url=dashboard.base_url)
    deadline = time.monotonic() + 10
    while client.get_notification_by_id(notification_id)["status"] != "delivered":
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_dashboard_shows_team_messages_and_never_test_ones(
    alice: Browser, dashboard: SandboxProcess
) -> None:
    test_send = NotificationsAPIClient(TEST_KEY, base_url=dashboard.base_url).send_sms_notification(
        "07700900123", SMS_TEMPLATE, {"code": "test-key"}
    )
    team_send = NotificationsAPIClient(TEAM_KEY, base_url=dashboard.base_url).send_sms_notification(
        "07700900701", SMS_TEMPLATE, {"code": "team-key"}
    )
    page = alice.get(f"/services/{LIVE}")
    assert h1(page) == "Dashboard"
    assert team_send["id"] in page.text
    assert test_send["id"] not in page.text
    assert "<svg" in page.text and "Messages sent each day in the last 7 days" in page.text
    assert re.search(r'data-count="sms-today">[1-9]', page.text)
    log = alice.get(f"/services/{LIVE}/api")
    assert h1(log) == "API integration"
    assert team_send["id"] in log.text and test_send["id"] in log.text
    row = re.search(rf'data-notification-id="{test_send["id"]}" data-key-type="test"', log.text)
    assert row
    assert "Message log" in log.text


def test_an_email_renders_in_a_sandboxed_frame(alice: Browser, dashboard: SandboxProcess) -> None:
    sent = NotificationsAPIClient(TEST_KEY, base_url=dashboard.base_url).send_email_notification(
        "someone@example.com", EMAIL_TEMPLATE, {"name": "<script>alert(1)</script>Ada"}
    )
    page = alice.get(f"/services/{LIVE}/notifications/{sent['id']}")
    assert page.status_code == 200
    assert h1(page) == "someone@example.com"
    frame = re.search(r"<iframe[^>]*>", page.text)
    assert frame
    assert " sandbox " in frame.group(0) or " sandbox srcdoc" in frame.group(0)
    assert "allow-scripts" not in frame.group(0) and "allow-same-origin" not in frame.group(0)
    srcdoc = re.search(r'srcdoc="([^"]*)"', frame.group(0))
    assert srcdoc and "&lt;" in srcdoc.group(1)  # the whole document, escaped into the attribute
    assert "<script>alert(1)</script>" not in page.text
    assert "Welcome" in text(page)


def test_a_text_message_shows_as_a_phone_bubble_with_its_fragments(
    alice: Browser, dashboard: SandboxProcess
) -> None:
    long_code = "x" * 200  # two fragments
    sent = NotificationsAPIClient(TEST_KEY, base_url=dashboard.base_url).send_sms_notification(
        "07700900123", SMS_TEMPLATE, {"code": long_code}
    )
    wait_for_status(dashboard, sent["id"], TEST_KEY)
    page = alice.get(f"/services/{LIVE}/notifications/{sent['id']}")
    assert 'class="govuk-body sandbox-phone__bubble"' in page.text
    assert long_code in page.text
    assert 'data-fragments="2"' in page.text and "2 text messages" in text(page)
    assert "Delivered" in text(page) and "Timeline" in text(page)


def test_another_services_message_is_a_404(alice: Browser, dashboard: SandboxProcess) -> None:
    assert (
        alice.get(
            f"/services/{LIVE}/notifications/00000000-0000-4000-8000-000000000000"
        ).status_code
        == 404
    )


def test_live_events_announce_changes(alice: Browser, dashboard: SandboxProcess) -> None:
    url = f"/services/{LIVE}/live"
    with alice.http.stream("GET", url, timeout=10) as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        assert next(lines) == "event: ready"
        NotificationsAPIClient(TEAM_KEY, base_url=dashboard.base_url).send_sms_notification(
            "07700900701", SMS_TEMPLATE, {"code": "live"}
        )
        for line in lines:
            if line == "event: changed":
                break
    denied = httpx.get(f"{dashboard.base_url}{url}")
    assert denied.status_code == 303  # not signed in: no events


def test_a_letters_pdf_is_one_click_away(alice: Browser, dashboard: SandboxProcess) -> None:
    sent = NotificationsAPIClient(TEST_KEY, base_url=dashboard.base_url).send_letter_notification(
        LETTER_TEMPLATE,
        {
            "address_line_1": "Ada Lovelace",
            "address_line_2": "1 Street",
            "postcode": "SW1A 1AA",
            "name": "Ada",
        },
    )
    page = alice.get(f"/services/{LIVE}/notifications/{sent['id']}")
    link = f"/services/{LIVE}/notifications/{sent['id']}/pdf"
    assert f'href="{link}"' in page.text
    deadline = time.monotonic() + 15
    while (pdf := alice.get(link)).status_code == 409:  # the PDF is made a moment later
        assert "not available" in text(pdf)
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    sms = NotificationsAPIClient(TEST_KEY, base_url=dashboard.base_url).send_sms_notification(
        "07700900123", SMS_TEMPLATE, {"code": "1"}
    )
    assert alice.get(f"/services/{LIVE}/notifications/{sms['id']}/pdf").status_code == 404

"""Service permissions, phone permissions and limits, on tests/fixtures/contract_extra.yaml
(3.4 steps 2, 5 and 8; 5.1; 7.1; 7.2)."""

from __future__ import annotations

import json

from notifications_python_client.notifications import NotificationsAPIClient

from tests.contract.support import api_error, envelope, make_token, raw
from tests.sandbox_process import SandboxProcess

SMS_ONLY = "75555555-5555-4555-8555-555555555555"
EMAIL_ONLY = "76666666-6666-4666-8666-666666666666"
LANDLINES = "77777777-7777-4777-8777-777777777777"
SMALL_LIMITS = "78888888-8888-4888-8888-888888888888"


def client(
    sandbox: SandboxProcess, name: str, service_id: str, secret: str
) -> NotificationsAPIClient:
    return NotificationsAPIClient(f"{name}-{service_id}-{secret}", base_url=sandbox.base_url)


def bad_request(message: str) -> tuple[int, dict[str, object]]:
    return 400, envelope(400, ("BadRequestError", message))


def test_service_without_email_permission(extra_sandbox: SandboxProcess) -> None:
    sms_only = client(
        extra_sandbox, "sms-only-test", SMS_ONLY, "85555555-5555-4555-8555-555555555555"
    )
    assert api_error(
        lambda: sms_only.send_email_notification(
            "someone@example.com", "95555555-5555-4555-8555-555555555552"
        )
    ) == bad_request("Service is not allowed to send emails")


def test_service_without_sms_permission(extra_sandbox: SandboxProcess) -> None:
    email_only = client(
        extra_sandbox, "email-only-test", EMAIL_ONLY, "86666666-6666-4666-8666-666666666666"
    )
    assert api_error(
        lambda: email_only.send_sms_notification(
            "07700900123", "96666666-6666-4666-8666-666666666661"
        )
    ) == bad_request("Service is not allowed to send text messages")


def test_permission_is_checked_before_the_template(extra_sandbox: SandboxProcess) -> None:
    email_only = client(
        extra_sandbox, "email-only-test", EMAIL_ONLY, "86666666-6666-4666-8666-666666666666"
    )
    assert api_error(
        lambda: email_only.send_sms_notification(
            "07700900123", "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5"
        )
    ) == bad_request("Service is not allowed to send text messages")


def test_international_number_without_international_permission(
    extra_sandbox: SandboxProcess,
) -> None:
    sms_only = client(
        extra_sandbox, "sms-only-test", SMS_ONLY, "85555555-5555-4555-8555-555555555555"
    )
    assert api_error(
        lambda: sms_only.send_sms_notification(
            "+12025550104", "95555555-5555-4555-8555-555555555551", {"content": "hi"}
        )
    ) == bad_request("Cannot send to international mobile numbers")


def test_uk_landline_with_landline_permission(extra_sandbox: SandboxProcess) -> None:
    landlines = client(
        extra_sandbox, "landlines-test", LANDLINES, "87777777-7777-4777-8777-777777777777"
    )
    response = landlines.send_sms_notification(
        "01709510122", "97777777-7777-4777-8777-777777777771"
    )
    assert response["content"]["body"] == "Hello"


def test_empty_message(extra_sandbox: SandboxProcess) -> None:
    sms_only = client(
        extra_sandbox, "sms-only-test", SMS_ONLY, "85555555-5555-4555-8555-555555555555"
    )
    assert api_error(
        lambda: sms_only.send_sms_notification(
            "07700900123", "95555555-5555-4555-8555-555555555551", {"content": "  "}
        )
    ) == bad_request("Your message is empty.")


def test_rate_limit_comes_before_the_body_is_read(extra_sandbox: SandboxProcess) -> None:
    # rate_limit 3 per minute: a bucket of min(ceil(3/3) + 1, 1000) = 2 tokens per key type
    token = make_token(secret="88888888-8888-4888-8888-888888888881", iss=SMALL_LIMITS)
    body = json.dumps(
        {"phone_number": "07700900123", "template_id": "98888888-8888-4888-8888-888888888881"}
    )
    statuses = [
        raw(extra_sandbox.base_url, "POST", "/v2/notifications/sms", token=token, data=body)
        for _ in range(2)
    ]
    assert [r.status_code for r in statuses] == [201, 201]
    limited = raw(
        extra_sandbox.base_url, "POST", "/v2/notifications/sms", token=token, data="not json"
    )
    assert (limited.status_code, limited.json()) == (
        429,
        envelope(
            429,
            (
                "RateLimitError",
                "Exceeded rate limit for key type TEST of 3 requests per 60 seconds",
            ),
        ),
    )


def test_reads_are_not_rate_limited(extra_sandbox: SandboxProcess) -> None:
    limits = client(
        extra_sandbox, "limits-test", SMALL_LIMITS, "88888888-8888-4888-8888-888888888881"
    )
    for _ in range(5):
        limits.get_all_notifications()


def test_daily_limit_for_a_live_key(extra_sandbox: SandboxProcess) -> None:
    live = client(
        extra_sandbox, "limits-live", SMALL_LIMITS, "88888888-8888-4888-8888-888888888882"
    )
    template = "98888888-8888-4888-8888-888888888881"
    assert live.send_sms_notification("07700900123", template)["id"]
    assert api_error(lambda: live.send_sms_notification("07700900123", template)) == (
        429,
        envelope(429, ("TooManyRequestsError", "Exceeded send limits (sms: 1) for today")),
    )

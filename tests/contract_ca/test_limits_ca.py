"""GC limits (contract 3.4, 7.1, 7.2): rate after the schema, separate daily and annual limits."""

from __future__ import annotations

import requests

from tests.contract_ca.support import (
    ANNUAL_EMAIL,
    ANNUAL_SMS,
    LIMITS_EMAIL,
    LIMITS_SMS,
    LIVE,
    RATE_SMS,
    TRIAL_LIMITS_EMAIL,
    answer,
    api_error,
    client,
    envelope,
    post,
    validation,
)
from tests.sandbox_process import ADMIN_TOKEN, SandboxProcess


def too_many(error: str, message: str) -> tuple[int, dict[str, object]]:
    return 429, envelope(429, (error, message))


def test_the_rate_limit_comes_after_the_schema(ca_sandbox: SandboxProcess) -> None:
    body = {"phone_number": "+16135550123", "template_id": RATE_SMS}
    for _ in range(2):  # rate_limit 2: GC's window allows the whole minute at once
        assert post(ca_sandbox.base_url, "sms", body, key="rate-live").status_code == 201
    assert answer(post(ca_sandbox.base_url, "sms", body, key="rate-live")) == too_many(
        "RateLimitError", "Exceeded rate limit for key type LIVE of 2 requests per 60 seconds"
    )
    # an invalid body still gets its 400: GC validates before it counts
    invalid = {"template_id": RATE_SMS}
    assert answer(post(ca_sandbox.base_url, "sms", invalid, key="rate-live")) == validation(
        "phone_number is a required property"
    )


def test_the_default_rate_limit_is_1000(ca_sandbox: SandboxProcess) -> None:
    service = requests.get(
        f"{ca_sandbox.base_url}/sandbox/v1/services/{LIVE}",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=10,
    ).json()["data"]
    # prefix_sms too is on by default in GC
    assert (service["rate_limit"], service["prefix_sms"]) == (1000, True)


def test_email_daily_limit(ca_sandbox: SandboxProcess) -> None:
    live = client(ca_sandbox.base_url, "limits-live")
    for _ in range(2):
        live.send_email_notification("a@example.ca", LIMITS_EMAIL)
    assert api_error(lambda: live.send_email_notification("a@example.ca", LIMITS_EMAIL)) == (
        too_many(
            "LiveServiceTooManyEmailRequestsError",
            "Exceeded email daily sending limit of 2 messages",
        )
    )
    # test keys are never counted or refused
    test = client(ca_sandbox.base_url, "limits-test")
    for _ in range(3):
        assert test.send_email_notification("a@example.ca", LIMITS_EMAIL)["id"]


def test_sms_daily_limit_counts_fragments(ca_sandbox: SandboxProcess) -> None:
    live = client(ca_sandbox.base_url, "limits-live")
    two_parts = {"text": "a" * 200}
    live.send_sms_notification("+16135550123", LIMITS_SMS, two_parts)  # 2 of 3
    assert api_error(
        lambda: live.send_sms_notification("+16135550123", LIMITS_SMS, two_parts)
    ) == too_many(
        "LiveServiceTooManySMSRequestsError", "Exceeded SMS daily sending limit of 3 fragments"
    )
    live.send_sms_notification("+16135550123", LIMITS_SMS, {"text": "one"})  # 3 of 3
    # the simulated numbers skip the SMS limits
    assert live.send_sms_notification("+16132532222", LIMITS_SMS, {"text": "hi"})["id"]
    # the email limit is separate
    assert (
        api_error(lambda: live.send_sms_notification("+16135550123", LIMITS_SMS, {"text": "x"}))[1][
            "errors"
        ][0]["error"]
        == "LiveServiceTooManySMSRequestsError"
    )


def test_annual_limits(ca_sandbox: SandboxProcess) -> None:
    live = client(ca_sandbox.base_url, "annual-live")
    live.send_email_notification("a@example.ca", ANNUAL_EMAIL)
    assert api_error(lambda: live.send_email_notification("a@example.ca", ANNUAL_EMAIL)) == (
        too_many(
            "LiveServiceRequestExceedsEmailAnnualLimitError",
            "Exceeded annual email sending limit of 1 messages",
        )
    )
    live.send_sms_notification("+16135550123", ANNUAL_SMS)
    assert api_error(lambda: live.send_sms_notification("+16135550123", ANNUAL_SMS)) == (
        too_many(
            "LiveServiceRequestExceedsSMSAnnualLimitError",
            "Exceeded annual SMS sending limit of 1 messages",
        )
    )


def test_trial_services_get_trial_class_names(ca_sandbox: SandboxProcess) -> None:
    team = client(ca_sandbox.base_url, "trial-limits-team")
    team.send_email_notification("limited@example.ca", TRIAL_LIMITS_EMAIL)
    assert api_error(
        lambda: team.send_email_notification("limited@example.ca", TRIAL_LIMITS_EMAIL)
    ) == too_many(
        "TrialServiceTooManyEmailRequestsError", "Exceeded email daily sending limit of 1 messages"
    )

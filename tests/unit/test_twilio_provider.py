"""TwilioProvider through respx, and the Twilio status mapping."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from simulator.domain.outbound import OutboundSms, ProviderError
from simulator.providers.twilio import TwilioProvider, map_twilio_status

SID = "AC0123456789abcdef0123456789abcdef"
TOKEN = "auth-token-secret"
URL = f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages.json"

SMS = OutboundSms(
    notification_id="n-1",
    service_id="svc-1",
    to="07700 900123",
    normalised_to="447700900123",
    sender="447700900500",
    body="Your code is 123456 – thanks",
    fragment_count=1,
    reference=None,
)


def created(status: str = "queued", **extra: Any) -> httpx.Response:
    return httpx.Response(201, json={"sid": "SM123", "status": status, **extra})


def twilio_error(http_status: int, code: int, message: str) -> httpx.Response:
    body = {"code": code, "message": message, "status": http_status}
    return httpx.Response(http_status, json=body)


def form_of(request: httpx.Request) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(request.content.decode()).items()}


@pytest.fixture
async def provider() -> AsyncIterator[TwilioProvider]:
    twilio = TwilioProvider({"name": "tw", "account_sid": SID, "auth_token": TOKEN})
    yield twilio
    await twilio.aclose()


@respx.mock
async def test_posts_form_with_basic_auth(provider: TwilioProvider) -> None:
    route = respx.post(URL).mock(return_value=created())

    receipt = await provider.send_sms(SMS)

    assert (receipt.provider, receipt.status, receipt.provider_reference) == (
        "tw",
        "sending",
        "SM123",
    )
    request = route.calls.last.request
    expected_auth = base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected_auth}"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form_of(request) == {
        "To": "+447700900123",
        "From": "+447700900500",
        "Body": "Your code is 123456 – thanks",
    }


@respx.mock
async def test_messaging_service_and_status_callback() -> None:
    base = "https://twilio.mock.test"
    route = respx.post(f"{base}/2010-04-01/Accounts/{SID}/Messages.json").mock(
        return_value=created("accepted")
    )
    twilio = TwilioProvider(
        {
            "account_sid": SID,
            "auth_token": TOKEN,
            "base_url": base + "/",
            "messaging_service_sid": "MG999",
            "status_callback_url": "https://sandbox.test/receipts/twilio?n={notification_id}",
        }
    )

    await twilio.send_sms(SMS)
    await twilio.aclose()

    form = form_of(route.calls.last.request)
    assert form["MessagingServiceSid"] == "MG999"
    assert "From" not in form
    assert form["StatusCallback"] == "https://sandbox.test/receipts/twilio?n=n-1"


@respx.mock
@pytest.mark.parametrize(
    ("settings", "sender", "expected_from"),
    [({}, "GOVUK", "GOVUK"), ({"from_number": "+15005550006"}, "GOVUK", "+15005550006")],
)
async def test_from(settings: dict[str, str], sender: str, expected_from: str) -> None:
    route = respx.post(URL).mock(return_value=created())
    twilio = TwilioProvider({"account_sid": SID, "auth_token": TOKEN, **settings})
    message = dataclasses.replace(SMS, sender=sender)

    await twilio.send_sms(message)
    await twilio.aclose()

    assert form_of(route.calls.last.request)["From"] == expected_from


@respx.mock
@pytest.mark.parametrize(
    "response",
    [twilio_error(500, 20500, "Internal"), httpx.Response(503), twilio_error(429, 20429, "Slow")],
    ids=["500", "503", "429"],
)
async def test_server_errors_and_throttling_are_retryable(
    provider: TwilioProvider, response: httpx.Response
) -> None:
    respx.post(URL).mock(return_value=response)

    with pytest.raises(ProviderError) as caught:
        await provider.send_sms(SMS)

    assert caught.value.retryable is True


@respx.mock
async def test_timeout_is_retryable(provider: TwilioProvider) -> None:
    respx.post(URL).mock(side_effect=httpx.ReadTimeout("timed out"))

    with pytest.raises(ProviderError) as caught:
        await provider.send_sms(SMS)

    assert caught.value.retryable is True
    assert "ReadTimeout" in caught.value.detail


@respx.mock
@pytest.mark.parametrize("code", [21211, 21614, 21610])
async def test_bad_recipient_is_a_permanent_failure(provider: TwilioProvider, code: int) -> None:
    message = "The 'To' number +447700900123 is not a valid phone number."
    respx.post(URL).mock(return_value=twilio_error(400, code, message))

    receipt = await provider.send_sms(SMS)

    assert receipt.status == "permanent-failure"
    assert receipt.detail is not None and str(code) in receipt.detail


@respx.mock
@pytest.mark.parametrize(
    "response",
    [
        twilio_error(400, 21606, "The 'From' phone number is not a valid, SMS-capable number"),
        twilio_error(401, 20003, "Authenticate"),
        twilio_error(404, 20404, "Not found"),
    ],
    ids=["bad-from", "auth", "not-found"],
)
async def test_other_client_errors_are_not_retryable(
    provider: TwilioProvider, response: httpx.Response
) -> None:
    respx.post(URL).mock(return_value=response)

    with pytest.raises(ProviderError) as caught:
        await provider.send_sms(SMS)

    assert caught.value.retryable is False
    assert TOKEN not in caught.value.detail


@respx.mock
async def test_failed_on_creation_is_mapped(provider: TwilioProvider) -> None:
    respx.post(URL).mock(return_value=created("failed", error_code=30002))

    receipt = await provider.send_sms(SMS)

    assert receipt.status == "technical-failure"


def test_secrets_stay_out_of_repr(provider: TwilioProvider) -> None:
    assert TOKEN not in repr(provider)
    assert TOKEN not in repr(provider.settings)


@pytest.mark.parametrize("missing", ["account_sid", "auth_token"])
def test_required_settings(missing: str) -> None:
    settings = {"account_sid": SID, "auth_token": TOKEN}
    del settings[missing]
    with pytest.raises(ValueError, match=missing):
        TwilioProvider(settings)


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        ("queued", None, "sending"),
        ("accepted", None, "sending"),
        ("scheduled", None, "sending"),
        ("sending", None, "sending"),
        ("sent", None, "pending"),
        ("delivered", None, "delivered"),
        ("read", None, "delivered"),
        ("Delivered", "", "delivered"),
        ("undelivered", None, "temporary-failure"),
        ("undelivered", "30003", "temporary-failure"),
        ("undelivered", "30005", "permanent-failure"),
        ("undelivered", "30006", "permanent-failure"),
        ("undelivered", "30007", "permanent-failure"),
        ("undelivered", "30008", "temporary-failure"),
        ("undelivered", 30005, "permanent-failure"),
        ("undelivered", "99999", "temporary-failure"),
        ("failed", None, "technical-failure"),
        ("failed", "21211", "permanent-failure"),
        ("failed", "21610", "permanent-failure"),
        ("failed", "30002", "technical-failure"),
        ("failed", "30003", "temporary-failure"),
        ("canceled", None, "technical-failure"),
        ("delivered", "30003", "delivered"),
        ("receiving", None, "sending"),
        ("received", None, "sending"),
        ("something-new", None, "sending"),
    ],
)
def test_map_twilio_status(status: str, code: str | int | None, expected: str) -> None:
    assert map_twilio_status(status, code) == expected

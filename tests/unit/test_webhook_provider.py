"""WebhookProvider through respx: request shape, receipts and error classes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
import respx

from simulator.domain.outbound import OutboundEmail, OutboundSms, ProviderError
from simulator.providers.webhook import WebhookProvider

URL = "https://hooks.example.test/notify"

SMS = OutboundSms(
    notification_id="n-sms-1",
    service_id="svc-1",
    to="07700 900123",
    normalised_to="447700900123",
    sender="GOVUK",
    body="My Service: your code is 123456",
    fragment_count=1,
    reference="ref-1",
)
EMAIL = OutboundEmail(
    notification_id="n-email-1",
    service_id="svc-1",
    to="alice@example.com",
    from_address="my.service@notifications.service.gov.uk",
    from_name="My Service",
    reply_to=None,
    subject="Hello",
    plain_text="Hello Alice",
    html="<p>Hello Alice</p>",
    unsubscribe_url="https://example.gov.uk/unsubscribe",
    reference=None,
)


@pytest.fixture
async def provider() -> AsyncIterator[WebhookProvider]:
    webhook = WebhookProvider({"name": "hook", "url": URL, "bearer_token": "tok-secret"})
    yield webhook
    await webhook.aclose()


@respx.mock
async def test_posts_the_sms_as_json(provider: WebhookProvider) -> None:
    route = respx.post(URL).mock(return_value=httpx.Response(202))

    receipt = await provider.send_sms(SMS)

    assert receipt.status == "sending"
    assert receipt.provider == "hook"
    request = route.calls.last.request
    assert request.headers["Idempotency-Key"] == "n-sms-1"
    assert request.headers["Authorization"] == "Bearer tok-secret"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {
        "type": "sms",
        "notification_id": "n-sms-1",
        "service_id": "svc-1",
        "to": "07700 900123",
        "normalised_to": "447700900123",
        "sender": "GOVUK",
        "body": "My Service: your code is 123456",
        "fragment_count": 1,
        "reference": "ref-1",
    }


@respx.mock
async def test_posts_the_email_as_json(provider: WebhookProvider) -> None:
    route = respx.post(URL).mock(return_value=httpx.Response(200))

    await provider.send_email(EMAIL)

    body = json.loads(route.calls.last.request.content)
    assert body["type"] == "email"
    assert body["subject"] == "Hello"
    assert body["html"] == "<p>Hello Alice</p>"
    assert body["unsubscribe_url"] == "https://example.gov.uk/unsubscribe"
    assert route.calls.last.request.headers["Idempotency-Key"] == "n-email-1"


@respx.mock
async def test_response_may_set_status_and_reference(provider: WebhookProvider) -> None:
    respx.post(URL).mock(
        return_value=httpx.Response(200, json={"status": "delivered", "provider_reference": "x-9"})
    )

    receipt = await provider.send_sms(SMS)

    assert (receipt.status, receipt.provider_reference) == ("delivered", "x-9")


@respx.mock
@pytest.mark.parametrize("body", [{"status": "queued", "id": 7}, ["delivered"], "not json"])
async def test_unknown_status_or_odd_body_means_sending(
    provider: WebhookProvider, body: object
) -> None:
    response = (
        httpx.Response(200, text=body) if isinstance(body, str) else httpx.Response(200, json=body)
    )
    respx.post(URL).mock(return_value=response)

    receipt = await provider.send_sms(SMS)

    assert receipt.status == "sending"
    assert receipt.provider_reference == ("7" if isinstance(body, dict) else None)


@respx.mock
async def test_no_authorization_header_without_token() -> None:
    route = respx.post(URL).mock(return_value=httpx.Response(204))
    webhook = WebhookProvider({"url": URL})

    await webhook.send_sms(SMS)
    await webhook.aclose()

    assert "Authorization" not in route.calls.last.request.headers
    assert webhook.name == "webhook"


@respx.mock
@pytest.mark.parametrize(
    ("response", "retryable"),
    [
        (httpx.Response(500, text="boom"), True),
        (httpx.Response(503), True),
        (httpx.Response(429, text="slow down"), True),
        (httpx.Response(400, json={"error": "bad"}), False),
        (httpx.Response(401), False),
        (httpx.Response(404), False),
    ],
    ids=["500", "503", "429", "400", "401", "404"],
)
async def test_http_errors(
    provider: WebhookProvider, response: httpx.Response, retryable: bool
) -> None:
    respx.post(URL).mock(return_value=response)

    with pytest.raises(ProviderError) as caught:
        await provider.send_sms(SMS)

    assert caught.value.retryable is retryable
    assert f"HTTP {response.status_code}" in caught.value.detail


@respx.mock
@pytest.mark.parametrize(
    "error",
    [httpx.ReadTimeout("timed out"), httpx.ConnectTimeout("timed out"), httpx.ConnectError("no")],
    ids=["read-timeout", "connect-timeout", "connect-error"],
)
async def test_network_failures_are_retryable(
    provider: WebhookProvider, error: httpx.HTTPError
) -> None:
    respx.post(URL).mock(side_effect=error)

    with pytest.raises(ProviderError) as caught:
        await provider.send_email(EMAIL)

    assert caught.value.retryable is True
    assert type(error).__name__ in caught.value.detail


def test_secrets_stay_out_of_repr(provider: WebhookProvider) -> None:
    assert "tok-secret" not in repr(provider)
    assert "tok-secret" not in repr(provider.settings)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, "'url' is required"),
        ({"url": "ftp://x"}, "http"),
        ({"url": URL, "timeout": "x"}, "must be a number"),
    ],
)
def test_bad_settings(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WebhookProvider(settings)

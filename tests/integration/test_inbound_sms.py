"""Inbound texts (issue 7): injected through the admin API, read with the official client,
and called back to the service's inbound-SMS URL (contract 3.8 and 8.2)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from notifications_python_client.notifications import NotificationsAPIClient

from tests.integration.callback_support import (
    CallbackReceiver,
    admin_call,
    advance_clock,
    callback_attempts,
    parse_time,
    set_callback,
    wait_for_callback,
)
from tests.integration.lane_support import running_sandbox
from tests.integration.limits_support import LimitsService, new_service
from tests.sandbox_process import SandboxProcess

INBOUND_TOKEN = "inbound-token-0123456789"
DELIVERY_TOKEN = "delivery-token-0123456789"
ENV = {
    "SANDBOX_CALLBACKS_ALLOW_HTTP": "true",
    "SANDBOX_CALLBACKS_ALLOW_ADDRESSES": "127.0.0.1",
    "SANDBOX_CALLBACK_RETRY_SCHEDULE": "60",
}


@pytest.fixture(scope="module")
def inbound_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with running_sandbox(tmp_path_factory.mktemp("inbound"), env=ENV) as sandbox:
        yield sandbox


@pytest.fixture
def service(inbound_sandbox: SandboxProcess) -> LimitsService:
    return new_service(inbound_sandbox)


def inject(service: LimitsService, body: dict[str, Any]) -> Any:
    return admin_call(
        service.sandbox, "POST", f"/sandbox/v1/services/{service.id}/inbound-sms", body
    )


def received(client: NotificationsAPIClient) -> list[dict[str, Any]]:
    return list(client.get_received_texts()["received_text_messages"])


def test_an_injected_text_is_listed_and_called_back_with_notifys_payload(
    service: LimitsService,
) -> None:
    with CallbackReceiver() as inbound, CallbackReceiver() as delivery:
        assert set_callback(
            service.sandbox, service.id, inbound.url, INBOUND_TOKEN, kind="inbound-sms"
        ).ok
        assert set_callback(service.sandbox, service.id, delivery.url, DELIVERY_TOKEN).ok

        response = inject(
            service,
            {"user_number": "07700 900456", "content": "STOP", "notify_number": "07700900000"},
        )
        [hit] = inbound.wait_for(1)
        assert delivery.stays_at(0)

    assert response.status_code == 201, response.text
    created = response.json()["data"]
    assert created == {
        "id": created["id"],
        "user_number": "447700900456",  # normalised: digits, no "+"
        "notify_number": "07700900000",
        "created_at": created["created_at"],
        "service_id": service.id,
        "content": "STOP",
    }
    parse_time(created["created_at"])
    # the official client sees it, exactly
    assert received(service.client("test"))[0] == created
    assert received(service.client("live"))[0] == created
    # the callback: its own URL and token, Notify's payload
    assert hit.headers.getall("Content-Type") == ["application/json"]
    assert hit.headers.getall("Authorization") == [f"Bearer {INBOUND_TOKEN}"]
    assert hit.body == {
        "id": created["id"],
        "source_number": "447700900456",
        "destination_number": "07700900000",
        "message": "STOP",
        "date_received": created["created_at"],
    }
    assert all(type(value) is str for value in hit.body.values())
    [attempt] = callback_attempts(service.sandbox, created["id"])
    assert (attempt["kind"], attempt["status"], attempt["attempts"]) == (
        "inbound_sms",
        "delivered",
        1,
    )


def test_the_destination_defaults_to_the_services_default_sms_sender(
    service: LimitsService,
) -> None:
    response = admin_call(
        service.sandbox,
        "PATCH",
        f"/sandbox/v1/services/{service.id}",
        {"sms_senders": [{"sender": "07700900777", "is_default": True}]},
    )
    assert response.status_code == 200, response.text
    with CallbackReceiver() as inbound:
        set_callback(service.sandbox, service.id, inbound.url, INBOUND_TOKEN, kind="inbound-sms")
        created = inject(service, {"user_number": "+447700900456", "content": "Hello"})
        [hit] = inbound.wait_for(1)

    assert created.status_code == 201, created.text
    assert created.json()["data"]["notify_number"] == "07700900777"
    assert hit.body["destination_number"] == "07700900777"
    assert hit.body["source_number"] == "447700900456"


def test_without_an_inbound_url_the_text_is_listed_and_nothing_is_called(
    service: LimitsService,
) -> None:
    with CallbackReceiver() as delivery:
        set_callback(service.sandbox, service.id, delivery.url, DELIVERY_TOKEN)
        response = inject(service, {"user_number": "07700900456", "content": "No callback"})
        assert delivery.stays_at(0)

    text_id = response.json()["data"]["id"]
    assert received(service.client("test"))[0]["id"] == text_id
    assert callback_attempts(service.sandbox, text_id) == []


def test_the_inbound_callback_is_retried_like_a_delivery_callback(
    service: LimitsService,
) -> None:
    with CallbackReceiver(answers=[503, 400]) as inbound:
        set_callback(service.sandbox, service.id, inbound.url, INBOUND_TOKEN, kind="inbound-sms")
        text_id = inject(service, {"user_number": "07700900456", "content": "Retry"}).json()[
            "data"
        ]["id"]
        inbound.wait_for(1)
        first = wait_for_callback(service.sandbox, text_id, "retrying")
        assert inbound.stays_at(1)

        advance_clock(service.sandbox, 60)
        hits = inbound.wait_for(2)
        last = wait_for_callback(service.sandbox, text_id, "failed")
        advance_clock(service.sandbox, 600)
        assert inbound.stays_at(2)  # a 400 is never retried

    assert (first["attempts"], first["last_error"]) == (1, "HTTP 503")
    assert (last["attempts"], last["last_error"]) == (2, "HTTP 400")
    assert hits[0].body == hits[1].body


def test_newest_first_and_paged_with_older_than(service: LimitsService) -> None:
    ids = [
        inject(service, {"user_number": "07700900456", "content": f"text {n}"}).json()["data"]["id"]
        for n in range(3)
    ]
    client = service.client("test")

    listed = received(client)
    older = client.get_received_texts(older_than=ids[2])["received_text_messages"]

    assert [text["id"] for text in listed] == ids[::-1]
    assert [text["content"] for text in listed] == ["text 2", "text 1", "text 0"]
    assert [text["id"] for text in older] == [ids[1], ids[0]]


def test_the_texts_are_the_services_own(
    service: LimitsService, inbound_sandbox: SandboxProcess
) -> None:
    other = new_service(inbound_sandbox)
    inject(service, {"user_number": "07700900456", "content": "mine"})

    assert received(other.client("test")) == []
    assert [text["content"] for text in received(service.client("test"))] == ["mine"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"content": "Hi"}, "user_number is not a valid phone number"),
        (
            {"user_number": "not a number", "content": "Hi"},
            "user_number is not a valid phone number",
        ),
        ({"user_number": "07700900456"}, "content is a required property"),
        ({"user_number": "07700900456", "content": ""}, "content is a required property"),
    ],
)
def test_an_invalid_text_is_refused(
    service: LimitsService, body: dict[str, Any], message: str
) -> None:
    response = inject(service, body)

    assert response.status_code == 400, response.text
    assert response.json()["errors"] == [{"error": "BadRequestError", "message": message}]
    assert received(service.client("test")) == []


def test_an_unknown_service_is_404(inbound_sandbox: SandboxProcess) -> None:
    response = admin_call(
        inbound_sandbox,
        "POST",
        "/sandbox/v1/services/99999999-9999-4999-8999-999999999999/inbound-sms",
        {"user_number": "07700900456", "content": "Hi"},
    )

    assert response.status_code == 404, response.text

"""GET /v2/received-text-messages: list, links, older_than (3.8; 13.1 u)."""

from __future__ import annotations

import pytest
from notifications_python_client.notifications import NotificationsAPIClient

from tests.contract.support import (
    LIVE_SERVICE,
    SECRETS,
    TIMESTAMP,
    api_error,
    client_for,
    envelope,
    make_token,
    raw,
)
from tests.sandbox_process import SandboxProcess

FIRST = "61111111-1111-4111-8111-111111111111"
SECOND = "61111111-1111-4111-8111-111111111112"
FIXTURE_TEXTS = {
    FIRST: {"user_number": "447700900123", "notify_number": "07700900000", "content": "first"},
    SECOND: {"user_number": "447700900124", "notify_number": "07700900000", "content": "second"},
}


@pytest.fixture(scope="module")
def client(sandbox: SandboxProcess) -> NotificationsAPIClient:
    return client_for(sandbox.base_url, "test")


def test_list_has_the_fixture_texts_with_every_key(client: NotificationsAPIClient) -> None:
    texts = client.get_received_texts()["received_text_messages"]
    assert sorted(t["id"] for t in texts) == [FIRST, SECOND]
    for text in texts:
        assert text == {
            "id": text["id"],
            "service_id": LIVE_SERVICE,
            "created_at": text["created_at"],
            **FIXTURE_TEXTS[text["id"]],
        }
        assert TIMESTAMP.match(text["created_at"])
    assert texts[0]["created_at"] >= texts[1]["created_at"]  # newest first


def test_links_current_has_no_query_and_next_has_older_than(
    sandbox: SandboxProcess, client: NotificationsAPIClient
) -> None:
    body = client.get_received_texts()
    base = f"{sandbox.base_url}/v2/received-text-messages"
    last = body["received_text_messages"][-1]["id"]
    assert body["links"] == {"current": base, "next": f"{base}?older_than={last}"}


def test_older_than_pages_through_every_text_once(client: NotificationsAPIClient) -> None:
    walked = [t["id"] for t in client.get_received_texts_iterator()]
    assert sorted(walked) == [FIRST, SECOND]


def test_older_than_the_newest_gives_the_rest(client: NotificationsAPIClient) -> None:
    newest, rest = (t["id"] for t in client.get_received_texts()["received_text_messages"])
    body = client.get_received_texts(older_than=newest)
    assert [t["id"] for t in body["received_text_messages"]] == [rest], (
        "older_than=<newest> lost the other fixture text: fixture texts without created_at "
        "share one timestamp and the page query has no tie-break on equal created_at"
    )


def test_older_than_the_last_gives_an_empty_page_with_only_current(
    sandbox: SandboxProcess, client: NotificationsAPIClient
) -> None:
    last = client.get_received_texts()["received_text_messages"][-1]["id"]
    body = client.get_received_texts(older_than=last)
    assert body == {
        "received_text_messages": [],
        "links": {"current": f"{sandbox.base_url}/v2/received-text-messages"},
    }


def test_unknown_older_than_gives_an_empty_list(client: NotificationsAPIClient) -> None:
    body = client.get_received_texts(older_than="7f2a8b1c-0000-4000-8000-000000000000")
    assert body["received_text_messages"] == []


def test_older_than_not_a_uuid(client: NotificationsAPIClient) -> None:
    assert api_error(lambda: client.get_received_texts(older_than="nope")) == (
        400,
        envelope(400, ("ValidationError", "older_than is not a valid UUID")),
    )


def test_other_query_parameters_are_refused(sandbox: SandboxProcess) -> None:
    response = raw(
        sandbox.base_url,
        "GET",
        "/v2/received-text-messages?page=2",
        token=make_token(secret=SECRETS["test"]),
    )
    assert (response.status_code, response.json()) == (
        400,
        envelope(
            400,
            ("ValidationError", "Additional properties are not allowed (page was unexpected)"),
        ),
    )


def test_every_key_type_sees_the_services_texts(sandbox: SandboxProcess) -> None:
    for key in ("team", "live"):
        texts = client_for(sandbox.base_url, key).get_received_texts()["received_text_messages"]
        assert sorted(t["id"] for t in texts) == [FIRST, SECOND]


def test_a_service_without_texts(sandbox: SandboxProcess) -> None:
    body = client_for(sandbox.base_url, "trial-test").get_received_texts()
    assert body == {
        "received_text_messages": [],
        "links": {"current": f"{sandbox.base_url}/v2/received-text-messages"},
    }

"""The inspection API (issue 7): filters, `wait` long-polling, one message with its HTML,
scoped reset, and retention on the movable clock."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from notifications_python_client.errors import HTTPError

from tests.integration.callback_support import (
    admin_call,
    advance_clock,
    parse_time,
    reset_clock,
)
from tests.integration.lane_support import running_sandbox, status_history
from tests.integration.limits_support import LimitsService, new_service
from tests.sandbox_process import SandboxProcess

NO_RESULT = [{"error": "NoResultFound", "message": "No result found"}]


@pytest.fixture(scope="module")
def inspect_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with running_sandbox(tmp_path_factory.mktemp("inspection")) as sandbox:
        yield sandbox


@pytest.fixture
def service(inspect_sandbox: SandboxProcess) -> LimitsService:
    return new_service(inspect_sandbox)


def messages(sandbox: SandboxProcess, **params: str) -> list[dict[str, Any]]:
    response = admin_call(sandbox, "GET", "/sandbox/v1/messages", **params)
    assert response.status_code == 200, response.text
    return list(response.json()["messages"])


def ids(found: list[dict[str, Any]]) -> list[str]:
    return [item["notification_id"] for item in found]


def one(sandbox: SandboxProcess, notification_id: str) -> requests.Response:
    return admin_call(sandbox, "GET", f"/sandbox/v1/messages/{notification_id}")


def add_template(service: LimitsService, body: dict[str, Any]) -> str:
    response = admin_call(
        service.sandbox, "POST", f"/sandbox/v1/services/{service.id}/templates", body
    )
    assert response.status_code == 201, response.text
    return str(response.json()["data"]["id"])


def settle(service: LimitsService, key: str, notification_id: str) -> None:
    status_history(service.client(key), notification_id)


# -- wait=N --------------------------------------------------------------------------------
def test_wait_returns_as_soon_as_a_matching_message_is_sent(service: LimitsService) -> None:
    def send_later() -> None:
        time.sleep(0.5)
        service.sms("test", reference="arrives-later")

    sender = threading.Thread(target=send_later)
    started = time.monotonic()
    sender.start()
    found = messages(service.sandbox, reference="arrives-later", wait="10")
    took = time.monotonic() - started
    sender.join()

    assert [item["reference"] for item in found] == ["arrives-later"]
    assert 0.4 <= took < 3.0, took  # well before the 10 s


def test_wait_answers_at_once_when_a_message_already_matches(service: LimitsService) -> None:
    sent = service.sms("test", reference="already-there")

    started = time.monotonic()
    found = messages(service.sandbox, reference="already-there", wait="10")

    assert ids(found) == [sent["id"]]
    assert time.monotonic() - started < 1.0


def test_wait_times_out_with_an_empty_list(service: LimitsService) -> None:
    started = time.monotonic()
    found = messages(service.sandbox, service_id=service.id, reference="never-sent", wait="0.6")
    took = time.monotonic() - started

    assert found == []
    assert 0.55 <= took < 2.0, took


# -- filters ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def filtered(inspect_sandbox: SandboxProcess) -> tuple[LimitsService, dict[str, dict[str, Any]]]:
    """A service with one of each: test sms, team sms, live email, a temporary failure."""
    service = new_service(inspect_sandbox)
    out = {
        "test_sms": service.sms("test", "07700 900123", reference="ref-a"),
        "team_sms": service.sms("team", reference="ref-b"),
        "live_email": service.email("live", "Someone@Example.com"),
        "failed": service.sms("test", "07700900003", reference="ref-c"),
    }
    for name, key in (("test_sms", "test"), ("team_sms", "team"), ("live_email", "live")):
        settle(service, key, out[name]["id"])
    settle(service, "test", out["failed"]["id"])
    return service, out


def test_the_service_filter_and_newest_first(
    filtered: tuple[LimitsService, dict[str, dict[str, Any]]], inspect_sandbox: SandboxProcess
) -> None:
    service, sent = filtered
    other = new_service(inspect_sandbox)
    other.sms("test")

    found = messages(service.sandbox, service_id=service.id)

    assert ids(found) == [
        sent["failed"]["id"],
        sent["live_email"]["id"],
        sent["team_sms"]["id"],
        sent["test_sms"]["id"],
    ]
    assert {item["service_id"] for item in found} == {service.id}
    assert ids(messages(service.sandbox, service_id=service.id, limit="2")) == ids(found)[:2]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"key_type": "test"}, ["failed", "test_sms"]),
        ({"key_type": "team"}, ["team_sms"]),
        ({"key_type": "normal"}, ["live_email"]),
        ({"type": "email"}, ["live_email"]),
        ({"type": "sms"}, ["failed", "team_sms", "test_sms"]),
        ({"reference": "ref-b"}, ["team_sms"]),
        ({"status": "temporary-failure"}, ["failed"]),
        ({"status": "delivered", "type": "sms"}, ["team_sms", "test_sms"]),
        ({"recipient": "+447700900123"}, ["test_sms"]),  # normalised
        ({"recipient": "07700 900123"}, ["test_sms"]),  # as submitted
        ({"recipient": "447700900123"}, ["test_sms"]),
        ({"recipient": "someone@example.com"}, ["live_email"]),
        ({"recipient": "07700900124"}, []),
    ],
)
def test_each_filter(
    filtered: tuple[LimitsService, dict[str, dict[str, Any]]],
    params: dict[str, str],
    expected: list[str],
) -> None:
    service, sent = filtered
    found = messages(service.sandbox, service_id=service.id, **params)

    assert ids(found) == [sent[name]["id"] for name in expected]


def test_the_template_filter(filtered: tuple[LimitsService, dict[str, dict[str, Any]]]) -> None:
    service, sent = filtered
    found = messages(service.sandbox, template_id=service.email_template)

    assert ids(found) == [sent["live_email"]["id"]]


def test_the_since_filter(filtered: tuple[LimitsService, dict[str, dict[str, Any]]]) -> None:
    service, sent = filtered
    team = messages(service.sandbox, service_id=service.id, reference="ref-b")[0]

    found = messages(service.sandbox, service_id=service.id, since=team["created_at"])

    assert ids(found) == [sent["failed"]["id"], sent["live_email"]["id"], sent["team_sms"]["id"]]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"key_type": "live"}, "key_type live is not one of [normal, team, test]"),
        ({"type": "fax"}, "type fax is not one of [email, letter, sms]"),
        ({"wait": "soon"}, "wait must be a number of seconds"),
        ({"wait": "61"}, "wait must be from 0 to 60 seconds"),
        ({"limit": "0"}, "limit must be a whole number from 1 to 1000"),
        ({"since": "yesterday"}, "since must be an ISO 8601 date and time"),
    ],
)
def test_a_bad_filter_is_400(
    inspect_sandbox: SandboxProcess, params: dict[str, str], message: str
) -> None:
    response = admin_call(inspect_sandbox, "GET", "/sandbox/v1/messages", **params)

    assert response.status_code == 400, response.text
    assert response.json()["errors"] == [{"error": "BadRequestError", "message": message}]


def test_the_admin_token_is_required(inspect_sandbox: SandboxProcess) -> None:
    url = f"{inspect_sandbox.base_url}/sandbox/v1/messages"

    missing = requests.get(url, timeout=10)
    wrong = requests.get(url, headers={"Authorization": "Bearer nope"}, timeout=10)
    delete = requests.delete(url, timeout=10)

    assert (missing.status_code, wrong.status_code, delete.status_code) == (401, 403, 401)


# -- what each item holds ---------------------------------------------------------------
def test_items_carry_the_rendered_content(service: LimitsService) -> None:
    template = add_template(
        service,
        {"type": "sms", "name": "Code", "body": "Your code is ((code)). It lasts ((minutes)) min."},
    )
    sent = service.client("test").send_sms_notification(
        "07700900123", template, personalisation={"code": "481516", "minutes": 10}
    )

    [item] = messages(service.sandbox, template_id=template)

    assert item["notification_id"] == sent["id"]
    assert item["body"] == "Your code is 481516. It lasts 10 min."
    assert item["text"] == "Your code is 481516. It lasts 10 min."
    assert item["recipient"] == "07700900123"
    assert item["type"] == "sms"
    assert item["template_version"] == 1
    parse_time(item["created_at"])


P_STYLE = "Margin: 0 0 20px 0; font-size: 19px; line-height: 25px; color: #0B0C0C;"
LI_STYLE = (
    "Margin: 5px 0 5px; padding: 0 0 0 5px; font-size: 19px;line-height: 25px; color: #0B0C0C;"
)


def test_one_email_with_its_html(service: LimitsService) -> None:
    template = add_template(
        service,
        {
            "type": "email",
            "name": "Welcome",
            "subject": "Welcome, ((name))",
            "body": "Hi ((name)),\n\nYour code is ((code)).\n\n* one\n* two",
        },
    )
    sent = service.client("live").send_email_notification(
        "someone@example.com", template, personalisation={"name": "Ann & Bo", "code": "2718"}
    )
    settle(service, "live", sent["id"])

    response = one(service.sandbox, sent["id"])

    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["notification_id"] == sent["id"]
    assert data["subject"] == "Welcome, Ann & Bo"
    assert data["body"] == "Hi Ann & Bo,\n\nYour code is 2718.\n\n* one\n* two"
    assert data["text"] == "Hi Ann & Bo,\n\nYour code is 2718.\n\n\u2022 one\n\u2022 two\n"
    assert data["provider"] == "outbox"
    assert data["html"] == (
        f'<p style="{P_STYLE}">Hi Ann &amp; Bo,</p>'
        f'<p style="{P_STYLE}">Your code is 2718.</p>'
        '<table role="presentation" style="padding: 0 0 20px 0;"><tr>'
        '<td style="font-family: Helvetica, Arial, sans-serif;">'
        '<ul style="Margin: 0 0 0 20px; padding: 0; list-style-type: disc;">'
        f'<li style="{LI_STYLE}">one</li><li style="{LI_STYLE}">two</li>'
        "</ul></td></tr></table>"
    )
    # the list view leaves the HTML out
    [listed] = messages(service.sandbox, template_id=template)
    assert "html" not in listed
    assert listed["body"] == data["body"]


def test_a_test_key_email_has_its_html_too(service: LimitsService) -> None:
    sent = service.email("test")

    data = one(service.sandbox, sent["id"]).json()["data"]

    assert "html" in data
    assert "Body" in data["html"]


def test_an_sms_has_no_html_and_an_unknown_id_is_404(service: LimitsService) -> None:
    sent = service.sms("test")

    data = one(service.sandbox, sent["id"]).json()["data"]
    missing = one(service.sandbox, "99999999-9999-4999-8999-999999999999")

    assert "html" not in data
    assert data["body"] == "Hello Ann"
    assert missing.status_code == 404
    assert missing.json()["errors"] == NO_RESULT


# -- scoped reset ------------------------------------------------------------------------
def test_a_reset_scoped_to_a_service_removes_only_its_messages(
    service: LimitsService, inspect_sandbox: SandboxProcess
) -> None:
    other = new_service(inspect_sandbox)
    mine = [service.sms("test"), service.email("team")]
    theirs = other.sms("test")
    settle(service, "team", mine[1]["id"])

    response = admin_call(service.sandbox, "DELETE", "/sandbox/v1/messages", service_id=service.id)

    assert response.status_code == 200, response.text
    assert response.json() == {"deleted": 2, "received_texts_deleted": 0}
    assert messages(service.sandbox, service_id=service.id) == []
    assert ids(messages(service.sandbox, service_id=other.id)) == [theirs["id"]]
    for sent, key in ((mine[0], "test"), (mine[1], "team")):
        with pytest.raises(HTTPError) as error:
            service.client(key).get_notification_by_id(sent["id"])
        assert error.value.status_code == 404
        assert error.value.message == NO_RESULT
        assert one(service.sandbox, sent["id"]).status_code == 404
    assert service.client("test").get_all_notifications()["notifications"] == []
    assert other.client("test").get_notification_by_id(theirs["id"])["id"] == theirs["id"]


def test_a_service_reset_also_clears_its_received_texts(
    service: LimitsService, inspect_sandbox: SandboxProcess
) -> None:
    other = new_service(inspect_sandbox)
    for target in (service, other):
        response = admin_call(
            target.sandbox,
            "POST",
            f"/sandbox/v1/services/{target.id}/inbound-sms",
            {"user_number": "07700900123", "content": "hello"},
        )
        assert response.status_code == 201, response.text

    response = admin_call(service.sandbox, "DELETE", "/sandbox/v1/messages", service_id=service.id)

    assert response.json() == {"deleted": 0, "received_texts_deleted": 1}
    assert service.client("test").get_received_texts()["received_text_messages"] == []
    assert len(other.client("test").get_received_texts()["received_text_messages"]) == 1


def test_a_reset_by_reference_removes_only_those(service: LimitsService) -> None:
    keep = service.sms("test", reference="keep-me")
    service.sms("test", reference="drop-me")
    service.sms("test", reference="drop-me")

    response = admin_call(
        service.sandbox,
        "DELETE",
        "/sandbox/v1/messages",
        service_id=service.id,
        reference="drop-me",
    )

    assert response.json() == {"deleted": 2}
    assert ids(messages(service.sandbox, service_id=service.id)) == [keep["id"]]


# -- retention ---------------------------------------------------------------------------
def retention_pair(sandbox: SandboxProcess) -> tuple[LimitsService, LimitsService, str, str]:
    """A service keeping 1 day and one keeping the default 7, each with a settled send."""
    short = new_service(sandbox)
    default = new_service(sandbox)
    response = admin_call(
        sandbox, "PATCH", f"/sandbox/v1/services/{short.id}", {"data_retention_days": 1}
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["data_retention_days"] == 1
    gone = short.sms("test", reference="short-lived")["id"]
    kept = default.sms("test", reference="kept")["id"]
    settle(short, "test", gone)
    settle(default, "test", kept)
    assert short.client("test").get_notification_by_id(gone)["id"] == gone
    return short, default, gone, kept


def test_past_the_services_retention_a_message_disappears_from_every_route(
    tmp_path: Path,
) -> None:
    """At once, without waiting for the hourly sweep."""
    with running_sandbox(tmp_path / "data") as sandbox:
        short, default, gone, kept = retention_pair(sandbox)

        advance_clock(sandbox, 2 * 86400)

        client = short.client("test")
        with pytest.raises(HTTPError) as error:
            client.get_notification_by_id(gone)
        assert (error.value.status_code, error.value.message) == (404, NO_RESULT)
        assert client.get_all_notifications()["notifications"] == []
        assert messages(sandbox, service_id=short.id) == []
        assert gone not in ids(messages(sandbox))
        assert messages(sandbox, reference="short-lived") == []
        assert one(sandbox, gone).status_code == 404
        # the default 7 days keep the other service's message
        assert default.client("test").get_notification_by_id(kept)["id"] == kept
        assert ids(messages(sandbox, service_id=default.id)) == [kept]
        assert kept in ids(messages(sandbox))


def test_the_sweeper_deletes_expired_messages_for_good(tmp_path: Path) -> None:
    with running_sandbox(
        tmp_path / "data", env={"SANDBOX_RETENTION_SWEEP_SECONDS": "0.1"}
    ) as sandbox:
        short, default, gone, kept = retention_pair(sandbox)
        advance_clock(sandbox, 2 * 86400)
        time.sleep(0.4)  # a few sweeps

        reset_clock(sandbox)  # back to now: a hidden row would show again, a deleted one not

        with pytest.raises(HTTPError) as error:
            short.client("test").get_notification_by_id(gone)
        assert error.value.status_code == 404
        assert messages(sandbox, service_id=short.id) == []
        assert default.client("test").get_notification_by_id(kept)["id"] == kept
        assert ids(messages(sandbox, service_id=default.id)) == [kept]

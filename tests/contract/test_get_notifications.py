"""GET /v2/notifications/{id} and GET /v2/notifications (3.5, 3.6; 13.1 l, m, u)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
import requests
from notifications_python_client.notifications import NotificationsAPIClient

from tests.contract.support import (
    EMAIL_TEMPLATE,
    PLAIN_SMS_TEMPLATE,
    SECRETS,
    SMS_TEMPLATE,
    TIMELINE_SMS,
    TIMESTAMP,
    api_error,
    client_for,
    envelope,
    make_token,
    poll_until,
    raw,
    unique_reference,
    wait_for_status,
)
from tests.sandbox_process import SandboxProcess

EMAIL_PERSONALISATION = {"name": "Ada", "items": "x", "show": "no"}
NOTIFICATION_KEYS = {
    "id",
    "reference",
    "email_address",
    "phone_number",
    "line_1",
    "line_2",
    "line_3",
    "line_4",
    "line_5",
    "line_6",
    "postcode",
    "type",
    "status",
    "template",
    "body",
    "subject",
    "created_at",
    "created_by_name",
    "sent_at",
    "completed_at",
    "scheduled_for",
    "postage",
    "one_click_unsubscribe_url",
    "is_cost_data_ready",
    "cost_in_pounds",
    "cost_details",
}
NOT_FOUND = (404, envelope(404, ("NoResultFound", "No result found")))
STATUS_ENUM = (
    "[cancelled, created, sending, sent, delivered, pending, failed, technical-failure, "
    "temporary-failure, permanent-failure, pending-virus-check, validation-failed, "
    "virus-scan-failed, returned-letter, accepted, received]"
)


@pytest.fixture(scope="module")
def test_client(sandbox: SandboxProcess) -> NotificationsAPIClient:
    return client_for(sandbox.base_url, "test")


def get_list(sandbox: SandboxProcess, query: str, key: str = "test") -> requests.Response:
    token = make_token(secret=SECRETS[key])
    return raw(sandbox.base_url, "GET", f"/v2/notifications{query}", token=token)


def validation(*messages: str) -> tuple[int, dict[str, object]]:
    return 400, envelope(400, *(("ValidationError", m) for m in messages))


# -- one notification ----------------------------------------------------------------


def test_sms_notification_has_every_key(
    sandbox: SandboxProcess, test_client: NotificationsAPIClient
) -> None:
    reference = unique_reference("get-sms")
    sent = test_client.send_sms_notification(
        " 07700 900855 ",
        SMS_TEMPLATE,
        personalisation={"name": "Ada", "code": "1"},
        reference=reference,
    )
    got = test_client.get_notification_by_id(sent["id"])
    assert set(got) == NOTIFICATION_KEYS
    assert got == {
        "id": sent["id"],
        "reference": reference,
        "email_address": None,
        "phone_number": "07700 900855",  # as submitted, trimmed
        "line_1": None,
        "line_2": None,
        "line_3": None,
        "line_4": None,
        "line_5": None,
        "line_6": None,
        "postcode": None,
        "type": "sms",
        "status": got["status"],
        "template": {
            "id": SMS_TEMPLATE,
            "version": 2,
            "uri": f"{sandbox.base_url}/v2/template/{SMS_TEMPLATE}/version/2",
        },
        "body": "Hello Ada, your code is 1.",
        "subject": None,
        "created_at": got["created_at"],
        "created_by_name": None,
        "sent_at": got["sent_at"],
        "completed_at": got["completed_at"],
        "scheduled_for": None,
        "postage": None,
        "one_click_unsubscribe_url": None,
        "is_cost_data_ready": got["is_cost_data_ready"],
        "cost_in_pounds": got["cost_in_pounds"],
        "cost_details": got["cost_details"],
    }
    assert TIMESTAMP.match(got["created_at"])


def test_email_notification_has_every_key_and_email_cost(
    sandbox: SandboxProcess, test_client: NotificationsAPIClient
) -> None:
    sent = test_client.send_email_notification(
        "  someone@example.com", EMAIL_TEMPLATE, EMAIL_PERSONALISATION
    )
    got = test_client.get_notification_by_id(sent["id"])
    assert set(got) == NOTIFICATION_KEYS
    assert got["type"] == "email"
    assert got["email_address"] == "someone@example.com"
    assert got["phone_number"] is None
    assert got["subject"] == "Hello Ada"
    assert got["body"] == "Dear Ada,\n\nx"
    assert got["template"]["uri"] == (f"{sandbox.base_url}/v2/template/{EMAIL_TEMPLATE}/version/1")
    assert (got["is_cost_data_ready"], got["cost_in_pounds"], got["cost_details"]) == (
        True,
        0.0,
        {},
    )


def test_sms_cost_fields_created_then_sending(timeline_client: NotificationsAPIClient) -> None:
    sent = timeline_client.send_sms_notification("07700900123", TIMELINE_SMS)
    first = timeline_client.get_notification_by_id(sent["id"])
    assert first["status"] == "created"
    assert (first["is_cost_data_ready"], first["cost_in_pounds"], first["cost_details"]) == (
        False,
        None,
        {},
    )
    later = poll_until(
        lambda: timeline_client.get_notification_by_id(sent["id"]),
        lambda n: n["status"] != "created",
    )[-1]
    assert later["status"] == "sending"
    assert (later["is_cost_data_ready"], later["cost_in_pounds"], later["cost_details"]) == (
        True,
        0.0,
        {"billable_sms_fragments": 0, "international_rate_multiplier": 1.0, "sms_rate": 0.024},
    )


def test_unknown_id_is_404(test_client: NotificationsAPIClient) -> None:
    assert (
        api_error(
            lambda: test_client.get_notification_by_id("7f2a8b1c-0000-4000-8000-000000000000")
        )
        == NOT_FOUND
    )


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "sms", "1234"])
def test_non_uuid_id_is_400(test_client: NotificationsAPIClient, bad_id: str) -> None:
    assert api_error(lambda: test_client.get_notification_by_id(bad_id)) == validation(
        "notification_id is not a valid UUID"
    )


def test_get_by_id_works_across_key_types(sandbox: SandboxProcess) -> None:
    live = client_for(sandbox.base_url, "live")
    test = client_for(sandbox.base_url, "test")
    team = client_for(sandbox.base_url, "team")
    live_id = live.send_sms_notification("07700900123", PLAIN_SMS_TEMPLATE)["id"]
    test_id = test.send_sms_notification("07700900123", PLAIN_SMS_TEMPLATE)["id"]
    for reader in (live, test, team):
        assert reader.get_notification_by_id(live_id)["id"] == live_id
        assert reader.get_notification_by_id(test_id)["id"] == test_id


def test_another_services_notification_is_404(
    sandbox: SandboxProcess, test_client: NotificationsAPIClient
) -> None:
    notification_id = test_client.send_sms_notification("07700900123", PLAIN_SMS_TEMPLATE)["id"]
    other = client_for(sandbox.base_url, "trial-test")
    assert api_error(lambda: other.get_notification_by_id(notification_id)) == NOT_FOUND


# -- the list: key type, filters --------------------------------------------------------


def test_list_only_has_the_requesting_key_types_notifications(sandbox: SandboxProcess) -> None:
    reference = unique_reference("key-type")
    sent = {}
    for key in ("test", "team", "live"):
        client = client_for(sandbox.base_url, key)
        sent[key] = client.send_sms_notification(
            "07700900501", PLAIN_SMS_TEMPLATE, reference=reference
        )["id"]
    for key in ("test", "team", "live"):
        client = client_for(sandbox.base_url, key)
        found = client.get_all_notifications(reference=reference)["notifications"]
        assert [n["id"] for n in found] == [sent[key]]


def test_list_is_newest_first_with_filters(
    sandbox: SandboxProcess, test_client: NotificationsAPIClient
) -> None:
    reference = unique_reference("filters")
    sms_ids = [
        test_client.send_sms_notification("07700900123", PLAIN_SMS_TEMPLATE, reference=reference)[
            "id"
        ]
        for _ in range(3)
    ]
    email_id = test_client.send_email_notification(
        "someone@example.com", EMAIL_TEMPLATE, EMAIL_PERSONALISATION, reference=reference
    )["id"]
    everything = test_client.get_all_notifications(reference=reference)["notifications"]
    assert [n["id"] for n in everything] == [email_id, *reversed(sms_ids)]
    sms_only = test_client.get_all_notifications(reference=reference, template_type="sms")
    assert [n["id"] for n in sms_only["notifications"]] == list(reversed(sms_ids))
    email_only = test_client.get_all_notifications(reference=reference, template_type="email")
    assert [n["id"] for n in email_only["notifications"]] == [email_id]
    letters = test_client.get_all_notifications(reference=reference, template_type="letter")
    assert letters["notifications"] == []


def test_status_filters_including_failed_and_delivered(
    sandbox: SandboxProcess, test_client: NotificationsAPIClient
) -> None:
    reference = unique_reference("status")
    ids = {
        number: test_client.send_sms_notification(number, PLAIN_SMS_TEMPLATE, reference=reference)[
            "id"
        ]
        for number in ("07700900003", "07700900002", "07700900123")
    }
    for notification_id in ids.values():
        wait_for_status(test_client, notification_id)

    def listed(query: str) -> set[str]:
        response = get_list(sandbox, f"?reference={reference}{query}")
        assert response.status_code == 200, response.text
        return {n["id"] for n in response.json()["notifications"]}

    assert listed("&status=failed") == {ids["07700900003"], ids["07700900002"]}
    assert listed("&status=temporary-failure") == {ids["07700900003"]}
    assert listed("&status=delivered") == {ids["07700900123"]}
    assert listed("&status=received") == {ids["07700900123"]}
    assert listed("&status=delivered&status=permanent-failure") == {
        ids["07700900123"],
        ids["07700900002"],
    }
    assert listed("&status=created&status=sending") == set()
    assert listed("&status=accepted") == set()
    assert listed("") == set(ids.values())


def test_filter_by_reference_is_exact(
    sandbox: SandboxProcess, test_client: NotificationsAPIClient
) -> None:
    reference = unique_reference("exact")
    sent = test_client.send_sms_notification(
        "07700900123", PLAIN_SMS_TEMPLATE, reference=reference
    )["id"]
    test_client.send_sms_notification("07700900123", PLAIN_SMS_TEMPLATE, reference=reference + "x")
    found = test_client.get_all_notifications(reference=reference)["notifications"]
    assert [n["id"] for n in found] == [sent]
    assert test_client.get_all_notifications(reference=reference[:-1])["notifications"] == []


def test_listed_objects_match_get_by_id(
    sandbox: SandboxProcess, test_client: NotificationsAPIClient
) -> None:
    reference = unique_reference("same-object")
    sent = test_client.send_email_notification(
        "someone@example.com", EMAIL_TEMPLATE, EMAIL_PERSONALISATION, reference=reference
    )["id"]
    final = wait_for_status(test_client, sent)[-1]
    [listed] = test_client.get_all_notifications(reference=reference)["notifications"]
    assert listed == final


# -- links (13.1 u) ------------------------------------------------------------------------


def test_links_keep_the_query_in_request_order_and_append_older_than(
    sandbox: SandboxProcess, test_client: NotificationsAPIClient
) -> None:
    reference = unique_reference("probe-t")
    sent = test_client.send_sms_notification(
        "07700900123", PLAIN_SMS_TEMPLATE, reference=reference
    )["id"]
    response = get_list(sandbox, f"?template_type=sms&reference={reference}")
    base = f"{sandbox.base_url}/v2/notifications"
    assert response.json()["links"] == {
        "current": f"{base}?template_type=sms&reference={reference}",
        "next": f"{base}?template_type=sms&reference={reference}&older_than={sent}",
    }
    reordered = get_list(sandbox, f"?reference={reference}&template_type=sms")
    assert reordered.json()["links"]["current"] == (
        f"{base}?reference={reference}&template_type=sms"
    )


def test_next_link_without_a_query(sandbox: SandboxProcess) -> None:
    body = get_list(sandbox, "").json()
    base = f"{sandbox.base_url}/v2/notifications"
    last = body["notifications"][-1]["id"]
    assert body["links"] == {"current": base, "next": f"{base}?older_than={last}"}


def test_older_than_is_replaced_in_place(
    sandbox: SandboxProcess, test_client: NotificationsAPIClient
) -> None:
    reference = unique_reference("in-place")
    first, second = (
        test_client.send_sms_notification("07700900123", PLAIN_SMS_TEMPLATE, reference=reference)[
            "id"
        ]
        for _ in range(2)
    )
    response = get_list(sandbox, f"?older_than={second}&reference={reference}")
    body = response.json()
    base = f"{sandbox.base_url}/v2/notifications"
    assert [n["id"] for n in body["notifications"]] == [first]
    assert body["links"] == {
        "current": f"{base}?older_than={second}&reference={reference}",
        "next": f"{base}?older_than={first}&reference={reference}",
    }


def test_repeated_status_values_repeat_in_links(
    sandbox: SandboxProcess, test_client: NotificationsAPIClient
) -> None:
    reference = unique_reference("repeat")
    sent = test_client.send_sms_notification(
        "07700900123", PLAIN_SMS_TEMPLATE, reference=reference
    )["id"]
    query = f"?status=created&status=sending&status=delivered&reference={reference}"
    body = get_list(sandbox, query).json()
    base = f"{sandbox.base_url}/v2/notifications"
    assert body["links"] == {
        "current": f"{base}{query}",
        "next": f"{base}{query}&older_than={sent}",
    }


def test_empty_page_has_only_current(sandbox: SandboxProcess) -> None:
    reference = unique_reference("nothing")
    body = get_list(sandbox, f"?reference={reference}").json()
    assert body == {
        "notifications": [],
        "links": {"current": f"{sandbox.base_url}/v2/notifications?reference={reference}"},
    }


def test_unknown_older_than_gives_an_empty_list(
    sandbox: SandboxProcess, test_client: NotificationsAPIClient
) -> None:
    found = test_client.get_all_notifications(older_than="7f2a8b1c-0000-4000-8000-000000000000")
    assert found["notifications"] == []
    assert "next" not in found["links"]


def test_query_values_are_encoded_in_links(
    sandbox: SandboxProcess, test_client: NotificationsAPIClient
) -> None:
    reference = "a b&c=d/é"
    sent = test_client.send_sms_notification(
        "07700900123", PLAIN_SMS_TEMPLATE, reference=reference
    )["id"]
    response = get_list(sandbox, f"?reference={quote(reference, safe='')}")
    body = response.json()
    assert [n["id"] for n in body["notifications"]][:1] == [sent]
    match = re.search(r"older_than=([0-9a-f-]{36})$", body["links"]["next"])
    assert match is not None


# -- query validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?include_jobs=false", "include_jobs false is not one of [true, True]"),
        ("?status=elephant", f"status elephant is not one of {STATUS_ENUM}"),
        ("?template_type=orange", "template_type orange is not one of [sms, email, letter]"),
        ("?older_than=not-a-uuid", "older_than is not a valid UUID"),
        ("?foo=bar", "Additional properties are not allowed (foo was unexpected)"),
    ],
)
def test_invalid_query(sandbox: SandboxProcess, query: str, message: str) -> None:
    response = get_list(sandbox, query)
    assert (response.status_code, response.json()) == validation(message)


@pytest.mark.parametrize("value", ["true", "True"])
def test_include_jobs_true_is_accepted(sandbox: SandboxProcess, value: str) -> None:
    assert get_list(sandbox, f"?include_jobs={value}").status_code == 200


# -- the official iterator over more than one page ------------------------------------------


def test_iterator_walks_more_than_250_notifications(fresh_sandbox: SandboxProcess) -> None:
    fresh_sandbox.start()
    client = client_for(fresh_sandbox.base_url, "test")
    sent = [
        client.send_sms_notification("07700900123", PLAIN_SMS_TEMPLATE)["id"] for _ in range(260)
    ]
    first_page = client.get_all_notifications()
    assert len(first_page["notifications"]) == 250
    assert first_page["links"]["next"] == (
        f"{fresh_sandbox.base_url}/v2/notifications?older_than={sent[10]}"
    )
    walked = [n["id"] for n in client.get_all_notifications_iterator()]
    assert walked == list(reversed(sent))
    # another key type sees none of them
    live = client_for(fresh_sandbox.base_url, "live")
    assert live.get_all_notifications()["notifications"] == []

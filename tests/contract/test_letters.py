"""POST /v2/notifications/letter (templated) and GET for letters, through the official Python
client (contract 3.3, 3.5; notifications-api post_notifications.py, validators.py
``validate_address``, models.py ``Notification.serialize``)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from notifications_python_client.notifications import NotificationsAPIClient

from tests.contract.letters_support import (
    ADDRESS,
    APPOINTMENT,
    APPOINTMENT_VALUES,
    FIRST_CLASS,
    LIVE,
    NO_LETTERS_LETTER,
    ONE_A_DAY_LETTER,
    TRIAL_LETTER,
    UK_ONLY_LETTER,
    letter_client,
)
from tests.contract.support import TIMESTAMP, api_error, envelope, poll_until, unique_reference
from tests.sandbox_process import ADMIN_TOKEN, SandboxProcess

BODY = "Dear Ada,\n\nYour appointment is on Monday.\n\n# What to bring\n\n* your letter\n* a pen"


@pytest.fixture(scope="module")
def test_client(letters_sandbox: SandboxProcess) -> NotificationsAPIClient:
    return letter_client(letters_sandbox.base_url, "test")


def until_status(
    client: NotificationsAPIClient, notification_id: str, status: str, timeout: float = 8.0
) -> list[dict[str, Any]]:
    return poll_until(
        lambda: client.get_notification_by_id(notification_id),
        lambda n: n["status"] == status,
        timeout=timeout,
    )


def test_201_shape_is_exact(
    letters_sandbox: SandboxProcess, test_client: NotificationsAPIClient
) -> None:
    reference = unique_reference("letter-shape")
    response = test_client.send_letter_notification(
        APPOINTMENT, APPOINTMENT_VALUES, reference=reference
    )
    base = letters_sandbox.base_url
    assert response == {
        "id": response["id"],
        "reference": reference,
        "content": {"body": BODY, "subject": "Your appointment, Ada"},
        "uri": f"{base}/v2/notifications/{response['id']}",
        "template": {
            "id": APPOINTMENT,
            "version": 1,
            "uri": f"{base}/services/{LIVE}/templates/{APPOINTMENT}",
        },
        "scheduled_for": None,
    }


def test_get_by_id_has_every_letter_key_and_moves_accepted_to_received(
    letters_sandbox: SandboxProcess, test_client: NotificationsAPIClient
) -> None:
    sent = test_client.send_letter_notification(APPOINTMENT, APPOINTMENT_VALUES)
    seen = until_status(test_client, sent["id"], "received")
    assert {"accepted", "received"} == {n["status"] for n in seen}
    got = seen[-1]
    assert TIMESTAMP.match(got.pop("created_at"))
    assert TIMESTAMP.match(got.pop("sent_at"))
    assert TIMESTAMP.match(got.pop("completed_at"))
    assert TIMESTAMP.match(got.pop("estimated_delivery"))
    base = letters_sandbox.base_url
    assert got == {
        "id": sent["id"],
        "reference": None,
        "email_address": None,
        "phone_number": None,
        "line_1": "Ada Lovelace",
        "line_2": "12 Example Street",
        "line_3": "London",
        "line_4": "sw1a  1aa",
        "line_5": None,
        "line_6": None,
        "postcode": None,
        "type": "letter",
        "status": "received",
        "template": {
            "id": APPOINTMENT,
            "version": 1,
            "uri": f"{base}/v2/template/{APPOINTMENT}/version/1",
        },
        "body": BODY,
        "subject": "Your appointment, Ada",
        "created_by_name": None,
        "scheduled_for": None,
        "postage": "second",
        "one_click_unsubscribe_url": None,
        "is_cost_data_ready": True,
        "cost_in_pounds": got["cost_in_pounds"],
        "cost_details": {"billable_sheets_of_paper": 1, "postage": "second"},
    }
    assert got["cost_in_pounds"] > 0


def test_postage_from_template_and_from_the_country(test_client: NotificationsAPIClient) -> None:
    first = test_client.send_letter_notification(FIRST_CLASS, ADDRESS)
    assert test_client.get_notification_by_id(first["id"])["postage"] == "first"
    abroad = {"address_line_1": "A Person", "address_line_2": "1 Rue", "address_line_3": "France"}
    europe = test_client.send_letter_notification(FIRST_CLASS, abroad)
    assert test_client.get_notification_by_id(europe["id"])["postage"] == "europe"
    far = {**abroad, "address_line_3": "Japan"}
    rest = test_client.send_letter_notification(FIRST_CLASS, far)
    assert test_client.get_notification_by_id(rest["id"])["postage"] == "rest-of-world"


def test_legacy_postcode_key(test_client: NotificationsAPIClient) -> None:
    values = {"address_line_1": "A Person", "address_line_2": "1 Road", "postcode": "SW1A1AA"}
    sent = test_client.send_letter_notification(FIRST_CLASS, values)
    got = test_client.get_notification_by_id(sent["id"])
    assert (got["line_1"], got["line_2"], got["postcode"]) == ("A Person", "1 Road", "SW1A1AA")


def test_list_filters_letters(test_client: NotificationsAPIClient) -> None:
    reference = unique_reference("letter-list")
    sent = test_client.send_letter_notification(FIRST_CLASS, ADDRESS, reference=reference)
    listed = test_client.get_all_notifications(template_type="letter", reference=reference)
    assert [sent["id"]] == [n["id"] for n in listed["notifications"]]
    emails = test_client.get_all_notifications(template_type="email", reference=reference)
    assert emails["notifications"] == []


def validation(message: str) -> tuple[int, dict[str, Any]]:
    return 400, envelope(400, ("ValidationError", message))


@pytest.mark.parametrize(
    ("client_name", "template", "lines", "expected"),
    [
        ("test", FIRST_CLASS, ["A Person", "SW1A 1AA"], "Address must be at least 3 lines"),
        (
            "test",
            FIRST_CLASS,
            ["A\nB\nC\nD\nE", "F", "G", "SW1A 1AA"],
            "Address must be no more than 7 lines",
        ),
        (
            "test",
            FIRST_CLASS,
            ["...", "1 Road", "SW1A 1AA"],
            "The first 2 lines of the address must both include at least one alphanumeric "
            "character",
        ),
        (
            "test",
            FIRST_CLASS,
            ["Sgt A Person", "Unit 1", "BFPO 123", "France"],
            "The last line of a BFPO address must not be a country.",
        ),
        (
            "uk-only",
            UK_ONLY_LETTER,
            ["A Person", "1 Road", "Nowhere"],
            "Must be a real UK postcode",
        ),
        (
            "test",
            FIRST_CLASS,
            ["A Person", "1 Road", "Nowhere"],
            "Last line of address must be a real UK postcode or another country",
        ),
        (
            "test",
            FIRST_CLASS,
            ["A Person", "1 Road", "(Flat 2)", "SW1A 1AA"],
            "Address lines must not start with any of the following characters: "
            "@ ( ) = [ ] \u201d \\ / , < >",
        ),
        ("test", FIRST_CLASS, ["A Person", "No fixed abode", "SW1A 1AA"], "Must be a real address"),
    ],
)
def test_every_address_error(
    letters_sandbox: SandboxProcess,
    client_name: str,
    template: str,
    lines: list[str],
    expected: str,
) -> None:
    client = letter_client(letters_sandbox.base_url, client_name)
    values = {f"address_line_{n}": line for n, line in enumerate(lines, start=1)}
    assert validation(expected) == api_error(
        lambda: client.send_letter_notification(template, values)
    )


def test_bfpo_and_uk_country_lines_are_accepted(test_client: NotificationsAPIClient) -> None:
    bfpo = {
        "address_line_1": "Sgt A Person",
        "address_line_2": "Unit 1",
        "address_line_3": "BFPO 123",
    }
    assert test_client.send_letter_notification(FIRST_CLASS, bfpo)["id"]
    uk = {**ADDRESS, "address_line_5": "United Kingdom"}
    sent = test_client.send_letter_notification(FIRST_CLASS, uk)
    assert test_client.get_notification_by_id(sent["id"])["postage"] == "first"


def test_schema_and_template_errors(test_client: NotificationsAPIClient) -> None:
    assert validation("personalisation is a required property") == api_error(
        lambda: test_client.post("/v2/notifications/letter", data={"template_id": FIRST_CLASS})
    )
    assert (400, envelope(400, ("BadRequestError", "Missing personalisation: name, day"))) == (
        api_error(lambda: test_client.send_letter_notification(APPOINTMENT, ADDRESS))
    )
    assert (
        400,
        envelope(
            400, ("BadRequestError", "email template is not suitable for letter notification")
        ),
    ) == api_error(
        lambda: test_client.send_letter_notification(
            "61111111-1111-4111-8111-111111111203", ADDRESS
        )
    )


def test_who_may_send(letters_sandbox: SandboxProcess) -> None:
    base = letters_sandbox.base_url

    def refused(name: str, template: str) -> tuple[int, Any]:
        client = letter_client(base, name)
        return api_error(lambda: client.send_letter_notification(template, ADDRESS))

    assert (400, envelope(400, ("BadRequestError", "Service is not allowed to send letters"))) == (
        refused("no-letters", NO_LETTERS_LETTER)
    )
    team = (403, envelope(403, ("BadRequestError", "Cannot send letters with a team api key")))
    assert team == refused("team", FIRST_CLASS)
    assert team == refused("trial-team", TRIAL_LETTER)
    trial = envelope(403, ("BadRequestError", "Cannot send letters when service is in trial mode"))
    assert (403, trial) == refused("trial-live", TRIAL_LETTER)
    trial_test = letter_client(base, "trial-test")
    assert trial_test.send_letter_notification(TRIAL_LETTER, ADDRESS)["id"]


def test_daily_letter_allowance(letters_sandbox: SandboxProcess) -> None:
    client = letter_client(letters_sandbox.base_url, "one-a-day")
    assert client.send_letter_notification(ONE_A_DAY_LETTER, ADDRESS)["id"]
    status, body = api_error(lambda: client.send_letter_notification(ONE_A_DAY_LETTER, ADDRESS))
    assert (
        429,
        envelope(429, ("TooManyRequestsError", "Exceeded send limits (letter: 1) for today")),
    ) == (
        status,
        body,
    )


def test_live_letter_goes_to_the_print_outbox(letters_sandbox: SandboxProcess) -> None:
    client = letter_client(letters_sandbox.base_url, "live")
    sent = client.send_letter_notification(APPOINTMENT, APPOINTMENT_VALUES)
    seen = until_status(client, sent["id"], "received")
    assert list(dict.fromkeys(n["status"] for n in seen)) == ["accepted", "received"]
    assert seen[-2]["sent_at"] is not None  # handed to the print outbox while `accepted`
    message = requests.get(
        f"{letters_sandbox.base_url}/sandbox/v1/messages/{sent['id']}",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=10,
    ).json()["data"]
    assert message["provider"] == "print-outbox"
    assert re.search(r"Ada Lovelace\n12 Example Street\nLondon\nSW1A 1AA", message["recipient"])


@pytest.mark.parametrize(
    "status", ["validation-failed", "virus-scan-failed", "technical-failure", "permanent-failure"]
)
def test_magic_first_lines(test_client: NotificationsAPIClient, status: str) -> None:
    values = {**ADDRESS, "address_line_1": f"SIMULATE-{status}"}
    sent = test_client.send_letter_notification(FIRST_CLASS, values)
    seen = until_status(test_client, sent["id"], status)
    assert seen[0]["status"] == "accepted"


def test_letter_template_preview_shape(test_client: NotificationsAPIClient) -> None:
    preview = test_client.post_template_preview(APPOINTMENT, {"name": "Ada", "day": "Monday"})
    assert preview == {
        "id": APPOINTMENT,
        "type": "letter",
        "version": 1,
        "body": BODY,
        "html": None,
        "subject": "Your appointment, Ada",
        "postage": "second",
    }


def test_a_letter_subject_is_html_escaped_its_body_is_not(
    test_client: NotificationsAPIClient,
) -> None:
    # notifications-utils BaseLetterTemplate.subject fills with html="escape"
    values = {**ADDRESS, "name": "Ada & <Bob>", "day": "Monday"}
    sent = test_client.send_letter_notification(APPOINTMENT, values)
    assert sent["content"]["subject"] == "Your appointment, Ada &amp; &lt;Bob&gt;"
    assert sent["content"]["body"].startswith("Dear Ada & <Bob>,")

"""GC recipients (contract 2.1, 5.1, 5.4): North American numbers, allow-lists, smoke tests."""

from __future__ import annotations

import pytest
from notifications_python_client.errors import HTTPError

from tests.contract_ca.support import (
    DOMESTIC_SMS,
    FREE_EMAIL,
    LIVE,
    SMS_TEMPLATE,
    TRIAL_SMS,
    answer,
    api_error,
    bad_request,
    client,
    envelope,
    jwt_for,
    raw,
    validation,
)
from tests.sandbox_process import SandboxProcess

NAME_CODE = {"name": "Ada", "code": "1"}
TEAM_TEXT = (
    f"Can’t send to this recipient using a team-only API key (service {LIVE}) "
    "- see https://documentation.notification.canada.ca/en/keys.html#team-and-safelist"
)
TRIAL_TEXT = (
    "Can’t send to this recipient when service is in trial mode – see "
    "https://documentation.notification.canada.ca/en/keys.html#live"
)


def not_stored(ca_sandbox: SandboxProcess, notification_id: str) -> bool:
    response = raw(
        ca_sandbox.base_url,
        "GET",
        f"/v2/notifications/{notification_id}",
        authorization=f"Bearer {jwt_for('test')}",
    )
    return response.status_code == 404


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("08515111111", "phone_number Not a valid international number"),
        ("07515111*11", "phone_number Not a valid international number"),
        ("notaphoneumber", "phone_number Not a valid international number"),
        ("+447700900123", "phone_number Not a valid international number"),  # no UK TV numbers
        ("613;5550123", "phone_number Not a valid number"),
    ],
)
def test_schema_stage_phone_texts(ca_sandbox: SandboxProcess, number: str, message: str) -> None:
    test = client(ca_sandbox.base_url, "test")
    assert api_error(
        lambda: test.send_sms_notification(number, SMS_TEMPLATE, NAME_CODE)
    ) == validation(message)


@pytest.mark.parametrize(
    "number", ["6135550123", "613-555-0123", "(613) 555-0123", "1 613 555 0123", "+16135550123"]
)
def test_numbers_default_to_north_america(ca_sandbox: SandboxProcess, number: str) -> None:
    test = client(ca_sandbox.base_url, "test")
    sent = test.send_sms_notification(number, SMS_TEMPLATE, NAME_CODE)
    assert test.get_notification_by_id(sent["id"])["phone_number"] == number


def test_international_numbers_need_the_permission(ca_sandbox: SandboxProcess) -> None:
    live = client(ca_sandbox.base_url, "live")
    assert live.send_sms_notification("+33122334455", SMS_TEMPLATE, NAME_CODE)["id"]
    domestic = client(ca_sandbox.base_url, "domestic-live")
    assert api_error(
        lambda: domestic.send_sms_notification("+33122334455", DOMESTIC_SMS, {"text": "hi"})
    ) == bad_request("Cannot send to international mobile numbers")


@pytest.mark.parametrize(
    "recipient", ["+16132532222", "+16132532223", "+16132532224", "613-253-2222"]
)
def test_smoke_test_numbers_are_answered_and_not_stored(
    ca_sandbox: SandboxProcess, recipient: str
) -> None:
    live = client(ca_sandbox.base_url, "live")
    sent = live.send_sms_notification(recipient, SMS_TEMPLATE, NAME_CODE)
    assert not_stored(ca_sandbox, sent["id"])


@pytest.mark.parametrize(
    "address",
    [
        "simulate-delivered@notification.canada.ca",
        "simulate-delivered-2@notification.canada.ca",
        "Simulate-Delivered-3@Notification.Canada.ca",
    ],
)
def test_smoke_test_addresses_are_answered_and_not_stored(
    ca_sandbox: SandboxProcess, address: str
) -> None:
    live = client(ca_sandbox.base_url, "live")
    sent = live.send_email_notification(address, FREE_EMAIL, {"text": "hi"})
    assert not_stored(ca_sandbox, sent["id"])


def test_team_key_texts_name_the_service(ca_sandbox: SandboxProcess) -> None:
    team = client(ca_sandbox.base_url, "team")
    assert api_error(
        lambda: team.send_sms_notification("+16135550999", SMS_TEMPLATE, NAME_CODE)
    ) == bad_request(TEAM_TEXT)
    assert api_error(
        lambda: team.send_email_notification("stranger@example.ca", FREE_EMAIL, {"text": "x"})
    ) == bad_request(TEAM_TEXT)


@pytest.mark.parametrize(
    "recipient",
    ["6135550101", "+1 (613) 555-0101", "+16135550102", "+16132532222"],
)
def test_team_key_reaches_team_safelist_and_simulated(
    ca_sandbox: SandboxProcess, recipient: str
) -> None:
    team = client(ca_sandbox.base_url, "team")
    assert team.send_sms_notification(recipient, SMS_TEMPLATE, NAME_CODE)["id"]


def test_team_key_reaches_safelisted_and_simulated_addresses(ca_sandbox: SandboxProcess) -> None:
    team = client(ca_sandbox.base_url, "team")
    for address in (
        "SafeList@example.ca",
        "member@example.ca",
        "simulate-delivered@notification.canada.ca",
    ):
        assert team.send_email_notification(address, FREE_EMAIL, {"text": "x"})["id"]


def test_trial_texts_and_simulated_recipients(ca_sandbox: SandboxProcess) -> None:
    trial = client(ca_sandbox.base_url, "trial-live")
    assert api_error(lambda: trial.send_sms_notification("+16135550999", TRIAL_SMS)) == bad_request(
        TRIAL_TEXT
    )
    # GC always lets trial and team sends reach the simulated numbers
    assert trial.send_sms_notification("+16132532224", TRIAL_SMS)["id"]
    assert trial.send_sms_notification("+16135550201", TRIAL_SMS)["id"]


def test_allow_list_comes_before_the_permission_check(ca_sandbox: SandboxProcess) -> None:
    response = raw(
        ca_sandbox.base_url,
        "POST",
        "/v2/notifications/sms",
        authorization=f"Bearer {jwt_for('trial-team')}",
        json={"phone_number": "+33122334455", "template_id": TRIAL_SMS},
    )
    assert answer(response) == (
        400,
        envelope(
            400,
            (
                "BadRequestError",
                "Can’t send to this recipient using a team-only API key "
                "(service a2222222-2222-4222-8222-222222222222) - see "
                "https://documentation.notification.canada.ca/en/keys.html#team-and-safelist",
            ),
        ),
    )


@pytest.mark.parametrize("address", ["rené@example.ca", "zoë.émile@exemple.gc.ca"])
def test_accented_local_parts_are_valid_addresses(ca_sandbox: SandboxProcess, address: str) -> None:
    test = client(ca_sandbox.base_url, "test")
    sent = test.send_email_notification(address, FREE_EMAIL, {"text": "Bonjour"})
    assert test.get_notification_by_id(sent["id"])["email_address"] == address


def test_a_double_hyphen_in_a_domain_label_is_not_valid(ca_sandbox: SandboxProcess) -> None:
    test = client(ca_sandbox.base_url, "test")
    with pytest.raises(HTTPError) as caught:
        test.send_email_notification("someone@exa--mple.ca", FREE_EMAIL, {"text": "x"})
    assert caught.value.status_code == 400
    assert caught.value.message == [
        {"error": "ValidationError", "message": "email_address Not a valid email address"}
    ]

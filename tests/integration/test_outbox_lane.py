"""Team and live keys through the default outbox provider, seen through the official client
and GET /sandbox/v1/messages (issue 3)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from notifications_python_client.authentication import create_jwt_token
from notifications_python_client.errors import HTTPError

from tests.conftest import KEYS, LIVE_SERVICE, TRIAL_SERVICE
from tests.integration.lane_support import (
    EMAIL_TEMPLATE,
    REPLY_TO,
    SMS_TEMPLATE,
    TEAM_EMAIL,
    TEAM_PHONE,
    admin_message,
    admin_messages,
    client_for,
    running_sandbox,
    status_history,
    unique_reference,
    wait_for_messages,
)
from tests.sandbox_process import SandboxProcess

TRIAL_SMS_TEMPLATE = "52222222-2222-4222-8222-222222222221"  # "Trial message"
TRIAL_MEMBER_PHONE = "07700900601"
GUEST_EMAIL = "guest@example.com"
GUEST_PHONE = "07700900502"
SENDER_ADDRESS = "contract.live@notifications.service.gov.uk"
UNSUBSCRIBE_URL = "https://example.com/unsubscribe?u=1"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """No SANDBOX_CONFIG: both channels go to the default outbox."""
    with running_sandbox(tmp_path_factory.mktemp("outbox-lane")) as process:
        yield process


def assert_provider_timeline(history: list[str]) -> None:
    """created -> sending -> delivered, in that order; `created` may pass between polls."""
    assert history[-1] == "delivered", history
    assert "sending" in history, history
    expected = ["created", "sending", "delivered"]
    assert history == [status for status in expected if status in history], history


@pytest.mark.parametrize("key_name", ["team", "live"])
def test_email_goes_created_sending_delivered_and_is_fully_rendered(
    sandbox: SandboxProcess, key_name: str
) -> None:
    client = client_for(sandbox, key_name)
    reference = unique_reference(f"outbox-email-{key_name}")

    sent = client.send_email_notification(
        email_address=TEAM_EMAIL,
        template_id=EMAIL_TEMPLATE,
        personalisation={"name": "Ann", "items": "* one\n* two", "show": "yes"},
        reference=reference,
        email_reply_to_id=REPLY_TO,
        one_click_unsubscribe_url=UNSUBSCRIBE_URL,
    )

    assert_provider_timeline(status_history(client, sent["id"]))
    [message] = wait_for_messages(sandbox, 1, reference=reference)
    assert message["notification_id"] == sent["id"]
    assert message["service_id"] == LIVE_SERVICE
    assert message["key_type"] == {"team": "team", "live": "normal"}[key_name]
    assert message["type"] == "email"
    assert message["provider"] == "outbox"
    assert message["recipient"] == TEAM_EMAIL
    assert message["sender"] == SENDER_ADDRESS == sent["content"]["from_email"]
    assert message["reply_to"] == "replies@example.com"
    assert message["subject"] == "Hello Ann" == sent["content"]["subject"]
    assert message["template_id"] == EMAIL_TEMPLATE
    assert message["reference"] == reference
    assert message["one_click_unsubscribe_url"] == UNSUBSCRIBE_URL
    assert message["fragment_count"] is None
    assert message["status"] == "delivered"
    # `body` is what the API answered; `text` is the plain text the provider was handed:
    # Notify markdown rendered (bullets), then the unsubscribe footer
    assert message["body"] == sent["content"]["body"]
    assert message["text"].startswith("Dear Ann,\n\n• one\n• two\n\nExtra text")
    assert f"Unsubscribe from these emails: {UNSUBSCRIBE_URL}" in message["text"]
    assert "((" not in message["text"]
    assert "html" not in message  # the list stays small; one message carries its HTML
    # HTML: a real list and a link, not the markdown source
    html = admin_message(sandbox, sent["id"])["html"]
    assert "<ul" in html and ">one</li>" in html and ">two</li>" in html
    assert f'href="{UNSUBSCRIBE_URL}"' in html
    assert "* one" not in html and "Dear Ann," in html


@pytest.mark.parametrize(("key_name", "phone"), [("team", TEAM_PHONE), ("live", GUEST_PHONE)])
def test_sms_goes_created_sending_delivered_with_text_and_fragments(
    sandbox: SandboxProcess, key_name: str, phone: str
) -> None:
    client = client_for(sandbox, key_name)
    reference = unique_reference(f"outbox-sms-{key_name}")
    code = "7" * 300  # 324 characters: three 153-character fragments

    sent = client.send_sms_notification(
        phone_number=phone,
        template_id=SMS_TEMPLATE,
        personalisation={"name": "Bo", "code": code},
        reference=reference,
    )

    assert_provider_timeline(status_history(client, sent["id"]))
    [message] = wait_for_messages(sandbox, 1, reference=reference)
    assert message["notification_id"] == sent["id"]
    assert message["type"] == "sms"
    assert message["provider"] == "outbox"
    assert message["recipient"] == phone
    assert message["sender"] == "GOVUK"
    assert message["body"] == f"Hello Bo, your code is {code}." == sent["content"]["body"]
    assert message["text"] == message["body"]
    assert message["fragment_count"] == 3
    assert message["subject"] is None
    assert message["reply_to"] is None
    assert message["status"] == "delivered"
    assert "html" not in admin_message(sandbox, sent["id"])


def test_short_sms_is_one_fragment(sandbox: SandboxProcess) -> None:
    client = client_for(sandbox, "team")
    reference = unique_reference("outbox-short")

    client.send_sms_notification(
        phone_number=TEAM_PHONE,
        template_id=SMS_TEMPLATE,
        personalisation={"name": "Bo", "code": "123"},
        reference=reference,
    )

    [message] = wait_for_messages(sandbox, 1, reference=reference)
    assert message["body"] == "Hello Bo, your code is 123."
    assert message["fragment_count"] == 1


def test_messages_are_newest_first_and_filtered(sandbox: SandboxProcess) -> None:
    team, trial_team = client_for(sandbox, "team"), client_for(sandbox, "trial-team")
    first, second, third = (unique_reference(f"outbox-order-{n}") for n in range(3))

    # one at a time, each handed off before the next is sent
    a = team.send_sms_notification(
        GUEST_PHONE, SMS_TEMPLATE, {"name": "A", "code": "1"}, reference=first
    )
    wait_for_messages(sandbox, 1, reference=first)
    b = team.send_email_notification(
        GUEST_EMAIL, EMAIL_TEMPLATE, {"name": "B", "items": "x", "show": ""}, reference=second
    )
    wait_for_messages(sandbox, 1, reference=second)
    c = trial_team.send_sms_notification(TRIAL_MEMBER_PHONE, TRIAL_SMS_TEMPLATE, reference=third)
    wait_for_messages(sandbox, 1, reference=third)

    def ids(**params: str) -> list[str]:
        response = admin_messages(sandbox, **params)
        assert response.status_code == 200, response.text
        return [m["notification_id"] for m in response.json()["messages"]]

    everything = ids()
    ours = [i for i in everything if i in {a["id"], b["id"], c["id"]}]
    assert ours == [c["id"], b["id"], a["id"]]

    trial_only = admin_messages(sandbox, service_id=TRIAL_SERVICE).json()["messages"]
    assert {m["service_id"] for m in trial_only} == {TRIAL_SERVICE}
    assert c["id"] in [m["notification_id"] for m in trial_only]
    live_only = ids(service_id=LIVE_SERVICE)
    assert a["id"] in live_only and b["id"] in live_only and c["id"] not in live_only

    to_guest_phone = admin_messages(sandbox, recipient=GUEST_PHONE).json()["messages"]
    assert {m["recipient"] for m in to_guest_phone} == {GUEST_PHONE}
    assert a["id"] in [m["notification_id"] for m in to_guest_phone]

    assert a["id"] in ids(recipient="447700900502")  # the normalised form matches too
    assert ids(reference=second) == [b["id"]]
    team_sent = ids(key_type="team")
    assert a["id"] in team_sent and b["id"] in team_sent and c["id"] in team_sent
    assert a["id"] not in ids(key_type="normal")
    assert ids(reference="no-such-reference") == []

    emails = admin_messages(sandbox, type="email").json()["messages"]
    assert {m["type"] for m in emails} == {"email"}
    assert b["id"] in [m["notification_id"] for m in emails]
    texts = ids(type="sms")
    assert a["id"] in texts and c["id"] in texts and b["id"] not in texts

    assert ids(service_id=LIVE_SERVICE, type="sms", reference=first) == [a["id"]]
    assert ids(service_id=TRIAL_SERVICE, reference=first) == []
    assert len(ids(limit="1")) == 1


@pytest.mark.parametrize("params", [{"type": "fax"}, {"limit": "0"}, {"limit": "many"}], ids=str)
def test_bad_filters_are_400(sandbox: SandboxProcess, params: dict[str, str]) -> None:
    response = admin_messages(sandbox, **params)

    assert response.status_code == 400
    assert response.json()["errors"][0]["error"] == "BadRequestError"


def test_messages_need_the_admin_token(sandbox: SandboxProcess) -> None:
    missing = admin_messages(sandbox, token=None)
    assert missing.status_code == 401
    assert missing.json()["errors"][0]["message"] == "Unauthorized: admin token must be provided"

    for token in ("not-the-admin-token", ""):
        wrong = admin_messages(sandbox, token=token)
        assert wrong.status_code == 403
        assert wrong.json()["errors"][0]["message"] == "Invalid token: admin token not recognised"

    # an API key's JWT is not the admin token either
    api_jwt = create_jwt_token(KEYS["live"][-36:], LIVE_SERVICE)
    response = admin_messages(sandbox, token=api_jwt)
    assert response.status_code == 403


def test_test_key_sends_are_never_handed_to_a_provider(sandbox: SandboxProcess) -> None:
    client = client_for(sandbox, "test")
    reference = unique_reference("outbox-test-key")

    sms = client.send_sms_notification(
        TEAM_PHONE, SMS_TEMPLATE, {"name": "T", "code": "0"}, reference=reference
    )
    email = client.send_email_notification(
        TEAM_EMAIL, EMAIL_TEMPLATE, {"name": "T", "items": "x", "show": ""}, reference=reference
    )

    assert status_history(client, sms["id"])[-1] == "delivered"
    assert status_history(client, email["id"])[-1] == "delivered"
    # the inspection view lists every notification, but a test-key one has no provider:
    # it was simulated, never put in the outbox
    listed = admin_messages(sandbox, reference=reference).json()["messages"]
    assert {m["notification_id"] for m in listed} == {sms["id"], email["id"]}
    assert {(m["key_type"], m["provider"]) for m in listed} == {("test", None)}
    for key_type in ("team", "normal"):
        assert admin_messages(sandbox, reference=reference, key_type=key_type).json() == {
            "messages": []
        }
    handed_off = [
        m for m in admin_messages(sandbox, limit="1000").json()["messages"] if m["provider"]
    ]
    assert handed_off and all(m["key_type"] != "test" for m in handed_off)


@pytest.mark.parametrize(
    ("key_name", "message"),
    [
        ("team", "Can’t send to this recipient using a team-only API key"),
        (
            "trial-live",
            "Can’t send to this recipient when service is in trial mode – see "
            "https://www.notifications.service.gov.uk/trial-mode",
        ),
    ],
)
def test_strangers_are_refused_and_never_reach_the_outbox(
    sandbox: SandboxProcess, key_name: str, message: str
) -> None:
    reference = unique_reference(f"outbox-stranger-{key_name}")
    template = TRIAL_SMS_TEMPLATE if key_name.startswith("trial") else SMS_TEMPLATE

    with pytest.raises(HTTPError) as caught:
        client_for(sandbox, key_name).send_sms_notification(
            "07700900999", template, {"name": "X", "code": "1"}, reference=reference
        )

    assert caught.value.status_code == 400
    assert caught.value.response is not None
    assert caught.value.response.json() == {
        "status_code": 400,
        "errors": [{"error": "BadRequestError", "message": message}],
    }
    assert admin_messages(sandbox, reference=reference).json() == {"messages": []}

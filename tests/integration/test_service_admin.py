"""Issue 6 item 1: services, team members, guest list and templates through the admin API.

Seeds 000-002: a new service starts in trial mode; team and guest-list keys send only to
the team and the guest list; live keys need a live service. v2 calls use the official client.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from notifications_python_client.errors import HTTPError

from tests.integration.key_support import PHONE, Admin, api_error, client, running_sandbox
from tests.sandbox_process import SandboxProcess

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
NO_RESULT = "No result found"
TEAM_ONLY = "Can’t send to this recipient using a team-only API key"
TRIAL_NO_LIVE_KEY = (
    "A service in trial mode can only create test and team keys. "
    "Make the service live to create a live key"
)
TEMPLATE_DELETED = "Template has been deleted"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with running_sandbox(tmp_path_factory.mktemp("service-admin")) as process:
        yield process


@pytest.fixture(scope="module")
def admin(server: SandboxProcess) -> Iterator[Admin]:
    api = Admin(server.base_url)
    yield api
    api.close()


def path(service: dict[str, Any], suffix: str = "") -> str:
    return f"/services/{service['id']}{suffix}"


# -- services -----------------------------------------------------------------------------------
def test_a_new_service_starts_in_trial_mode(admin: Admin) -> None:
    response = admin.post("/services", {"name": "My Service"})
    assert response.status_code == 201, response.text
    created = response.json()["data"]
    assert UUID.match(created["id"])
    assert {k: created[k] for k in ("name", "restricted", "mode", "active", "rate_limit")} == {
        "name": "My Service",
        "restricted": True,
        "mode": "trial",
        "active": True,
        "rate_limit": 3000,
    }
    assert created["limits"] == {}
    assert (created["team"], created["guest_list"]) == ([], [])
    assert admin.get(path(created)).json()["data"] == created
    listed = admin.get("/services").json()["services"]
    assert created in listed


def test_create_with_an_id_and_settings(admin: Admin) -> None:
    wanted = "a1a1a1a1-b2b2-4c3c-8d4d-e5e5e5e5e5e5"
    created = admin.new_service(id=wanted, email_sender_local_part="hello", rate_limit=100)
    assert (created["id"], created["email_sender_local_part"], created["rate_limit"]) == (
        wanted,
        "hello",
        100,
    )
    again = admin.post("/services", {"name": "Twin", "id": wanted})
    assert admin.error(again, 400) == f"A service with id {wanted} already exists"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "name is a required property"),
        ({"name": "  "}, "name is a required property"),
        ({"name": "X", "id": "not-a-uuid"}, "id is not a valid UUID"),
        (
            {"name": "X", "colour": "red"},
            "Additional properties are not allowed (colour was unexpected)",
        ),
        ({"name": "X", "restricted": "no"}, "restricted must be true or false"),
    ],
)
def test_create_rules(admin: Admin, body: dict[str, Any], message: str) -> None:
    assert admin.error(admin.post("/services", body), 400) == message


def test_an_unknown_service_is_404(admin: Admin) -> None:
    missing = {"id": "99999999-9999-4999-8999-999999999999"}
    assert admin.error(admin.get(path(missing)), 404) == NO_RESULT
    assert admin.error(admin.patch(path(missing), {"rate_limit": 5}), 404) == NO_RESULT
    assert admin.error(admin.get(path(missing, "/team")), 404) == NO_RESULT


def test_go_live_and_back_to_trial(admin: Admin, server: SandboxProcess) -> None:
    service = admin.new_service()
    template = admin.new_template(service["id"])
    refused = admin.post(admin.keys_path(service["id"]), {"name": "live", "key_type": "normal"})
    assert admin.error(refused, 400) == TRIAL_NO_LIVE_KEY

    live = admin.update_service(service["id"], {"restricted": False})
    assert (live["restricted"], live["mode"]) == (False, "live")
    key = admin.new_key(service["id"], "live", "normal")
    sent = client(server, key["key"]).send_sms_notification(
        "07700900999", template["id"], {"name": "Ada"}
    )
    assert sent["content"]["body"] == "Hello Ada"

    trial = admin.update_service(service["id"], {"restricted": True})
    assert (trial["restricted"], trial["mode"]) == (True, "trial")
    refused = admin.post(admin.keys_path(service["id"]), {"name": "live2", "key_type": "normal"})
    assert admin.error(refused, 400) == TRIAL_NO_LIVE_KEY


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rate_limit": 0}, "rate_limit must be a whole number from 1 to 1000000"),
        ({"rate_limit": "10"}, "rate_limit must be a whole number from 1 to 1000000"),
        ({"rate_limit": True}, "rate_limit must be a whole number from 1 to 1000000"),
        (
            {"limits": {"fax": 1}},
            "limits must map some of ['email', 'international_sms', 'letter', 'sms'] to numbers",
        ),
        ({"limits": {"sms": -1}}, "limits.sms must be a whole number from 0 to 1000000000"),
        (
            {"email_sender_local_part": "bad part"},
            "email_sender_local_part Not a valid email address",
        ),
        ({"email_sender_local_part": ""}, "email_sender_local_part is a required property"),
        ({"sms_senders": "GOVUK"}, "sms_senders must be a list"),
        (
            {"sms_senders": [{"sender": "WAYTOOLONGSENDER"}]},
            "sender must be at most 11 characters or a phone number",
        ),
        (
            {"email_reply_to": [{"email_address": "nope"}]},
            "email_address Not a valid email address",
        ),
        ({"restricted": "false"}, "restricted must be true or false"),
        (
            {"id": "a1a1a1a1-b2b2-4c3c-8d4d-e5e5e5e5e5e5"},
            "Additional properties are not allowed (id was unexpected)",
        ),
    ],
)
def test_update_rules_are_400_and_change_nothing(
    admin: Admin, changes: dict[str, Any], message: str
) -> None:
    service = admin.new_service()
    assert admin.error(admin.patch(path(service), changes), 400) == message
    assert admin.get(path(service)).json()["data"] == service


def test_rate_limit_is_applied_to_the_next_request(admin: Admin, server: SandboxProcess) -> None:
    service = admin.new_service()
    template = admin.new_template(service["id"])
    api = client(server, admin.new_key(service["id"])["key"])
    assert admin.update_service(service["id"], {"rate_limit": 1})["rate_limit"] == 1
    outcomes: list[int | tuple[int, object]] = []
    for _ in range(3):
        try:
            api.send_sms_notification(PHONE, template["id"], {"name": "A"})
            outcomes.append(201)
        except HTTPError as error:
            outcomes.append((error.status_code, error.message))
    assert outcomes[-1] == (
        429,
        [
            {
                "error": "RateLimitError",
                "message": "Exceeded rate limit for key type TEST of 1 requests per 60 seconds",
            }
        ],
    )


def test_allowances_limit_live_sends_per_channel(admin: Admin, server: SandboxProcess) -> None:
    service = admin.new_service(live=True)
    template = admin.new_template(service["id"])
    updated = admin.update_service(service["id"], {"limits": {"sms": 2, "email": 10}})
    assert updated["limits"] == {"sms": 2, "email": 10}
    api = client(server, admin.new_key(service["id"], "live", "normal")["key"])
    for _ in range(2):
        api.send_sms_notification(PHONE, template["id"], {"name": "A"})
    assert api_error(api.send_sms_notification, PHONE, template["id"], {"name": "A"}) == (
        429,
        [{"error": "TooManyRequestsError", "message": "Exceeded send limits (sms: 2) for today"}],
    )


def test_email_sender_senders_and_reply_tos(admin: Admin, server: SandboxProcess) -> None:
    service = admin.new_service(live=True)
    updated = admin.update_service(
        service["id"],
        {
            "email_sender_local_part": "news.letters",
            "sms_senders": [
                {"sender": "MYSVC", "is_default": True},
                {"sender": "07700900500"},
            ],
            "email_reply_to": [{"email_address": "replies@example.com", "is_default": True}],
        },
    )
    assert updated["email_sender_local_part"] == "news.letters"
    default_sender, phone_sender = updated["sms_senders"]
    assert (default_sender["sender"], default_sender["is_default"]) == ("MYSVC", True)
    assert (phone_sender["sender"], phone_sender["is_default"]) == ("07700900500", False)
    [reply_to] = updated["email_reply_to"]
    assert UUID.match(reply_to["id"]) and reply_to["email_address"] == "replies@example.com"

    sms = admin.new_template(service["id"])
    email = admin.new_template(service["id"], "email")
    api = client(server, admin.new_key(service["id"], "live", "normal")["key"])
    sent = api.send_sms_notification(PHONE, sms["id"], {"name": "A"})
    assert sent["content"]["from_number"] == "MYSVC"
    sent = api.send_sms_notification(
        PHONE, sms["id"], {"name": "A"}, sms_sender_id=phone_sender["id"]
    )
    assert sent["content"]["from_number"] == "447700900500"  # as a send normalises it
    sent = api.send_email_notification(
        "ada@example.com", email["id"], {"name": "A"}, email_reply_to_id=reply_to["id"]
    )
    assert sent["content"]["from_email"] == "news.letters@notifications.service.gov.uk"


# -- team members and guest list --------------------------------------------------------------
def test_team_members_add_list_remove_and_gate_team_keys(
    admin: Admin, server: SandboxProcess
) -> None:
    service = admin.new_service()
    template = admin.new_template(service["id"])
    api = client(server, admin.new_key(service["id"], "team", "team")["key"])
    assert api_error(api.send_sms_notification, "07700900111", template["id"], {"name": "A"}) == (
        400,
        [{"error": "BadRequestError", "message": TEAM_ONLY}],
    )
    member = {"name": "Ada", "email_address": "ada@example.com", "mobile_number": "07700900111"}
    response = admin.post(path(service, "/team"), member)
    # every Notify permission unless given, and no dashboard password until one is set
    shown = {
        **member,
        "permissions": [
            "manage_api_keys",
            "manage_service",
            "manage_templates",
            "send_messages",
            "view_activity",
        ],
        "can_sign_in": False,
    }
    assert (response.status_code, response.json()) == (201, {"team": [shown]})
    assert admin.get(path(service, "/team")).json() == {"team": [shown]}
    api.send_sms_notification("07700900111", template["id"], {"name": "A"})
    # the same address again replaces the member
    changed = {**member, "mobile_number": "07700900112"}
    response = admin.post(path(service, "/team"), {**changed, "email_address": "ADA@example.com"})
    assert response.json()["team"][0]["mobile_number"] == "07700900112"
    assert len(response.json()["team"]) == 1

    response = admin.delete(path(service, "/team/ada@example.com"))
    assert (response.status_code, response.json()) == (200, {"team": []})
    assert admin.error(admin.delete(path(service, "/team/ada@example.com")), 404) == NO_RESULT
    assert api_error(api.send_sms_notification, "07700900112", template["id"], {"name": "A"}) == (
        400,
        [{"error": "BadRequestError", "message": TEAM_ONLY}],
    )


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ({"name": "A", "email_address": "not-an-email"}, "email_address Not a valid email address"),
        ({"name": "A"}, "email_address Not a valid email address"),
        ({"email_address": "a@example.com"}, "name is a required property"),
        (
            {"name": "A", "email_address": "a@example.com", "mobile_number": ""},
            "mobile_number Not enough digits",
        ),
        (
            {"name": "A", "email_address": "a@example.com", "mobile_number": "0772345678"},
            "mobile_number Number is not valid – double check the phone number you entered",
        ),
        (
            {"name": "A", "email_address": "a@example.com", "mobile_number": "07700900111222"},
            "mobile_number Too many digits",
        ),
        (
            {"name": "A", "email_address": "a@example.com", "mobile_number": "0770090011x"},
            "mobile_number Must not contain letters or symbols",
        ),
    ],
)
def test_team_members_are_validated_like_sends(
    admin: Admin, member: dict[str, Any], message: str
) -> None:
    service = admin.new_service()
    assert admin.error(admin.post(path(service, "/team"), member), 400) == message
    assert admin.get(path(service, "/team")).json() == {"team": []}


def test_guest_list_add_list_remove_and_gate_team_keys(
    admin: Admin, server: SandboxProcess
) -> None:
    service = admin.new_service()
    template = admin.new_template(service["id"])
    api = client(server, admin.new_key(service["id"], "team", "team")["key"])
    for recipient in ("guest@example.com", "+447700900222"):
        assert admin.post(path(service, "/guest-list"), {"recipient": recipient}).status_code == 201
    # the same number written another way is already there
    response = admin.post(path(service, "/guest-list"), {"recipient": "07700 900 222"})
    assert (response.status_code, response.json()) == (
        201,
        {"guest_list": ["guest@example.com", "+447700900222"]},
    )
    assert admin.get(path(service, "/guest-list")).json() == {
        "guest_list": ["guest@example.com", "+447700900222"]
    }
    api.send_sms_notification("07700900222", template["id"], {"name": "A"})

    response = admin.delete(path(service, "/guest-list/" + quote("07700900222")))
    assert (response.status_code, response.json()) == (200, {"guest_list": ["guest@example.com"]})
    response = admin.delete(path(service, "/guest-list/guest@example.com"))
    assert response.json() == {"guest_list": []}
    assert admin.error(admin.delete(path(service, "/guest-list/guest@example.com")), 404) == (
        NO_RESULT
    )
    assert api_error(api.send_sms_notification, "07700900222", template["id"], {"name": "A"}) == (
        400,
        [{"error": "BadRequestError", "message": TEAM_ONLY}],
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "recipient is a required property"),
        ({"recipient": 7700900222}, "recipient is a required property"),
        ({"recipient": "guest@"}, "recipient Not a valid email address"),
        ({"recipient": "guest@example"}, "recipient Not a valid email address"),
        ({"recipient": "07700"}, "recipient Not enough digits"),
        ({"recipient": "0770090022a"}, "recipient Must not contain letters or symbols"),
    ],
)
def test_guests_are_validated_like_sends(admin: Admin, body: dict[str, Any], message: str) -> None:
    service = admin.new_service()
    assert admin.error(admin.post(path(service, "/guest-list"), body), 400) == message
    assert admin.get(path(service, "/guest-list")).json() == {"guest_list": []}


# -- templates ----------------------------------------------------------------------------------
def test_every_template_change_is_a_new_version_and_old_ones_stay_readable(
    admin: Admin, server: SandboxProcess
) -> None:
    service = admin.new_service()
    api = client(server, admin.new_key(service["id"])["key"])
    created = admin.new_template(service["id"], "email", name="Welcome", body="Hi ((name))")
    assert (created["version"], created["subject"]) == (1, "Subject ((name))")
    template_path = path(service, f"/templates/{created['id']}")

    response = admin.patch(template_path, {"body": "Hello ((name)), welcome"})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["version"] == 2
    response = admin.patch(template_path, {"subject": "Welcome ((name))", "name": "Welcome v3"})
    assert response.json()["data"]["version"] == 3
    response = admin.post(template_path + "/archive")
    assert response.status_code == 200, response.text
    assert response.json()["data"]["version"] == 4

    versions = [api.get_template_version(created["id"], v) for v in (1, 2, 3, 4)]
    assert [(v["version"], v["name"], v["subject"], v["body"]) for v in versions] == [
        (1, "Welcome", "Subject ((name))", "Hi ((name))"),
        (2, "Welcome", "Subject ((name))", "Hello ((name)), welcome"),
        (3, "Welcome v3", "Welcome ((name))", "Hello ((name)), welcome"),
        (4, "Welcome v3", "Welcome ((name))", "Hello ((name)), welcome"),
    ]
    assert api.get_template(created["id"])["version"] == 4
    assert api_error(api.get_template_version, created["id"], 5) == (
        404,
        [{"error": "NoResultFound", "message": NO_RESULT}],
    )
    # archived: gone from the list, refused for sends, and frozen
    assert created["id"] not in [t["id"] for t in api.get_all_templates()["templates"]]
    assert api_error(
        api.send_email_notification, "ada@example.com", created["id"], {"name": "A"}
    ) == (400, [{"error": "BadRequestError", "message": TEMPLATE_DELETED}])
    frozen = admin.patch(template_path, {"body": "too late"})
    assert admin.error(frozen, 400) == "An archived template cannot be changed"


def test_a_template_update_without_changes_makes_no_version(
    admin: Admin, server: SandboxProcess
) -> None:
    service = admin.new_service()
    created = admin.new_template(service["id"], body="Same ((name))")
    template_path = path(service, f"/templates/{created['id']}")
    for body in ({}, {"body": "Same ((name))"}):
        response = admin.patch(template_path, body)
        assert (response.status_code, response.json()["data"]["version"]) == (200, 1)
    api = client(server, admin.new_key(service["id"])["key"])
    assert api.get_template(created["id"])["version"] == 1
    # archiving twice is one version
    assert admin.post(template_path + "/archive").json()["data"]["version"] == 2
    assert admin.post(template_path + "/archive").json()["data"]["version"] == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"type": "fax", "name": "n", "body": "b"}, "type must be one of [sms, email, letter]"),
        ({"type": "sms", "body": "b"}, "name is a required property"),
        ({"type": "sms", "name": "n"}, "body is a required property"),
        ({"type": "email", "name": "n", "body": "b"}, "subject is a required property"),
    ],
)
def test_template_create_rules(admin: Admin, body: dict[str, Any], message: str) -> None:
    service = admin.new_service()
    assert admin.error(admin.post(path(service, "/templates"), body), 400) == message


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"type": "email"}, "type cannot be changed on a template"),
        ({"version": 9}, "version cannot be changed on a template"),
        ({"archived": False}, "archived can only be set to true"),
        ({"body": ""}, "body is a required property"),
    ],
)
def test_template_update_rules(admin: Admin, body: dict[str, Any], message: str) -> None:
    service = admin.new_service()
    created = admin.new_template(service["id"])
    response = admin.patch(path(service, f"/templates/{created['id']}"), body)
    assert admin.error(response, 400) == message


def test_a_template_of_another_service_is_404(admin: Admin) -> None:
    one, other = admin.new_service(), admin.new_service()
    created = admin.new_template(one["id"])
    response = admin.patch(path(other, f"/templates/{created['id']}"), {"body": "x"})
    assert admin.error(response, 404) == NO_RESULT

"""GET /v2/template/{id}, /version/{v}, GET /v2/templates, POST preview (3.7, 9.3)."""

from __future__ import annotations

import pytest
from notifications_python_client.notifications import NotificationsAPIClient

from tests.contract.support import (
    ARCHIVED_EMAIL_TEMPLATE,
    EMAIL_TEMPLATE,
    PLAIN_SMS_TEMPLATE,
    SECRETS,
    SMS_TEMPLATE,
    TIMESTAMP,
    TRIAL_SMS_TEMPLATE,
    api_error,
    client_for,
    envelope,
    make_token,
    raw,
)
from tests.sandbox_process import SandboxProcess

UNKNOWN_ID = "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5"
NOT_FOUND = (404, envelope(404, ("NoResultFound", "No result found")))
BAD_ID = (400, envelope(400, ("ValidationError", "id is not a valid UUID")))
ROUTE_NOT_FOUND = {
    "message": "The requested URL was not found on the server. If you entered the URL manually "
    "please check your spelling and try again.",
    "result": "error",
}
TEMPLATE_KEYS = {
    "id",
    "type",
    "created_at",
    "updated_at",
    "created_by",
    "version",
    "body",
    "subject",
    "name",
    "personalisation",
    "postage",
    "letter_contact_block",
}
PARAGRAPH = '<p style="Margin: 0 0 20px 0; font-size: 19px; line-height: 25px; color: #0B0C0C;">'


@pytest.fixture(scope="module")
def client(sandbox: SandboxProcess) -> NotificationsAPIClient:
    return client_for(sandbox.base_url, "test")


# -- one template ------------------------------------------------------------------


def test_get_sms_template(client: NotificationsAPIClient) -> None:
    got = client.get_template(SMS_TEMPLATE)
    assert set(got) == TEMPLATE_KEYS
    assert got == {
        "id": SMS_TEMPLATE,
        "type": "sms",
        "created_at": got["created_at"],
        "updated_at": got["updated_at"],
        "created_by": got["created_by"],
        "version": 2,
        "body": "Hello ((name)), your code is ((code)).",
        "subject": None,
        "name": "SMS with name",
        "personalisation": {"name": {"required": True}, "code": {"required": True}},
        "postage": None,
        "letter_contact_block": None,
    }
    assert TIMESTAMP.match(got["created_at"])
    assert TIMESTAMP.match(got["updated_at"])  # it has an older version, so it was updated
    assert "@" in got["created_by"]


def test_get_email_template(client: NotificationsAPIClient) -> None:
    got = client.get_template(EMAIL_TEMPLATE)
    assert got["type"] == "email"
    assert got["version"] == 1
    assert got["updated_at"] is None  # never updated
    assert got["subject"] == "Hello ((name))"
    assert got["body"] == "Dear ((name)),\n\n((items))\n\n((show??Extra text))"
    assert got["personalisation"] == {
        "name": {"required": True},
        "items": {"required": True},
        "show": {"required": True},
    }


def test_get_an_older_version(client: NotificationsAPIClient) -> None:
    got = client.get_template_version(SMS_TEMPLATE, 1)
    assert set(got) == TEMPLATE_KEYS
    assert (got["id"], got["version"], got["name"], got["body"]) == (
        SMS_TEMPLATE,
        1,
        "SMS v1",
        "Hi ((name))",
    )
    assert got["personalisation"] == {"name": {"required": True}}


def test_get_the_latest_version_by_number(client: NotificationsAPIClient) -> None:
    assert client.get_template_version(SMS_TEMPLATE, 2) == client.get_template(SMS_TEMPLATE)


def test_unknown_version_is_404(client: NotificationsAPIClient) -> None:
    assert api_error(lambda: client.get_template_version(SMS_TEMPLATE, 3)) == NOT_FOUND


def test_non_integer_version_is_a_route_404(sandbox: SandboxProcess) -> None:
    response = raw(
        sandbox.base_url,
        "GET",
        f"/v2/template/{SMS_TEMPLATE}/version/abc",
        token=make_token(secret=SECRETS["test"]),
    )
    assert (response.status_code, response.json()) == (404, ROUTE_NOT_FOUND)


def test_archived_template_can_still_be_fetched(client: NotificationsAPIClient) -> None:
    assert client.get_template(ARCHIVED_EMAIL_TEMPLATE)["name"] == "Archived email"


def test_unknown_template_is_404(client: NotificationsAPIClient) -> None:
    assert api_error(lambda: client.get_template(UNKNOWN_ID)) == NOT_FOUND


def test_another_services_template_is_404(client: NotificationsAPIClient) -> None:
    assert api_error(lambda: client.get_template(TRIAL_SMS_TEMPLATE)) == NOT_FOUND


@pytest.mark.parametrize("path", ["/v2/template/not-a-uuid", "/v2/template/1234/version/1"])
def test_bad_uuid(sandbox: SandboxProcess, path: str) -> None:
    response = raw(sandbox.base_url, "GET", path, token=make_token(secret=SECRETS["test"]))
    assert (response.status_code, response.json()) == BAD_ID


# -- the list ----------------------------------------------------------------------


def test_list_is_sorted_by_name_without_archived(client: NotificationsAPIClient) -> None:
    names = [t["name"] for t in client.get_all_templates()["templates"]]
    assert names == ["Email with subject", "Plain SMS", "SMS with name"]


def test_list_objects_are_the_template_objects(client: NotificationsAPIClient) -> None:
    listed = {t["id"]: t for t in client.get_all_templates()["templates"]}
    assert listed[SMS_TEMPLATE] == client.get_template(SMS_TEMPLATE)


@pytest.mark.parametrize(
    ("template_type", "names"),
    [
        ("sms", ["Plain SMS", "SMS with name"]),
        ("email", ["Email with subject"]),
        ("letter", []),
    ],
)
def test_list_type_filter(
    client: NotificationsAPIClient, template_type: str, names: list[str]
) -> None:
    found = client.get_all_templates(template_type)["templates"]
    assert [t["name"] for t in found] == names
    assert all(t["type"] == template_type for t in found)


def test_list_invalid_type(client: NotificationsAPIClient) -> None:
    assert api_error(lambda: client.get_all_templates("orange")) == (
        400,
        envelope(400, ("ValidationError", "type orange is not one of [sms, email, letter]")),
    )


def test_list_of_another_service(sandbox: SandboxProcess) -> None:
    trial = client_for(sandbox.base_url, "trial-test")
    assert [t["id"] for t in trial.get_all_templates()["templates"]] == [TRIAL_SMS_TEMPLATE]


# -- preview -------------------------------------------------------------------------


def test_preview_sms(client: NotificationsAPIClient) -> None:
    assert client.post_template_preview(SMS_TEMPLATE, {"name": "Ada", "code": 7}) == {
        "id": SMS_TEMPLATE,
        "type": "sms",
        "version": 2,
        "body": "Hello Ada, your code is 7.",
        "html": None,
        "subject": None,
        "postage": None,
    }


def test_preview_sms_is_sanitised(client: NotificationsAPIClient) -> None:
    preview = client.post_template_preview(
        SMS_TEMPLATE, {"name": "\u201cAda\u201d \u2013 x", "code": "\u2026"}
    )
    assert preview["body"] == 'Hello "Ada" - x, your code is ....'


def test_preview_email_has_html(client: NotificationsAPIClient) -> None:
    preview = client.post_template_preview(
        EMAIL_TEMPLATE, {"name": "Ada", "items": ["<b>one</b>", "two"], "show": "yes"}
    )
    assert set(preview) == {"id", "type", "version", "body", "html", "subject", "postage"}
    assert (preview["id"], preview["type"], preview["version"]) == (EMAIL_TEMPLATE, "email", 1)
    assert preview["subject"] == "Hello Ada"
    # body: raw markdown, values as given; html: values escaped, then rendered
    assert preview["body"] == "Dear Ada,\n\n\n\n* <b>one</b>\n* two\n\nExtra text"
    assert preview["postage"] is None
    html = preview["html"]
    assert f"{PARAGRAPH}Dear Ada,</p>" in html
    assert f"{PARAGRAPH}Extra text</p>" in html
    assert "&lt;b&gt;one&lt;/b&gt;" in html
    assert "<b>" not in html
    assert "two" in html


def test_preview_missing_personalisation(client: NotificationsAPIClient) -> None:
    assert api_error(lambda: client.post_template_preview(SMS_TEMPLATE, {"name": "x"})) == (
        400,
        envelope(400, ("BadRequestError", "Missing personalisation: code")),
    )


def test_preview_extra_personalisation_is_ignored(client: NotificationsAPIClient) -> None:
    preview = client.post_template_preview(PLAIN_SMS_TEMPLATE, {"unused": "x"})
    assert preview["body"] == "A plain message"


@pytest.mark.parametrize("body", [b"", b"{}", b'{"personalisation": {}}', b'{"other": 1}'])
def test_preview_without_personalisation(sandbox: SandboxProcess, body: bytes) -> None:
    response = raw(
        sandbox.base_url,
        "POST",
        f"/v2/template/{PLAIN_SMS_TEMPLATE}/preview",
        token=make_token(secret=SECRETS["test"]),
        data=body,
    )
    assert response.status_code == 200
    assert response.json()["body"] == "A plain message"


def test_preview_unknown_template(client: NotificationsAPIClient) -> None:
    assert api_error(lambda: client.post_template_preview(UNKNOWN_ID, {})) == NOT_FOUND


def test_preview_bad_uuid(client: NotificationsAPIClient) -> None:
    assert api_error(lambda: client.post_template_preview("not-a-uuid", {})) == BAD_ID

"""GC's legacy v1 API (cds-snc/notification-api app/notifications/rest.py, app/schemas.py):
GET /notifications, GET /notifications/<uuid>, POST /notifications/sms|email.

The official Python client has no v1 methods, but its generic `get` and `post` sign
the same JWT: successes go through it, refusals over HTTP with ApiKey-v1 (and a JWT
where the client would raise). Every expected text is GC's, copied here as a literal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from notifications_python_client.notifications import NotificationsAPIClient

from tests.contract.support import make_token, poll_until
from tests.sandbox_process import ROOT, SandboxProcess

LIVE = "f1111111-1111-4111-8111-111111111111"
TRIAL = "f2222222-2222-4222-8222-222222222222"
LIMITS = "f3333333-3333-4333-8333-333333333333"
LIMITS_SMS = "f3333333-3333-4333-8333-3333333333d1"  # "((text))", prefixed "V1 Limits: "
LIMITS_EMAIL = "f3333333-3333-4333-8333-3333333333d2"
SMS = "f1111111-1111-4111-8111-1111111111d1"  # "Hello ((name)), it’s ((day))."
EMAIL = "f1111111-1111-4111-8111-1111111111d2"  # "Hi ((name))" / "Dear ((name)),\n\n* one..."
FREE_SMS = "f1111111-1111-4111-8111-1111111111d3"  # "((text))", prefixed "V1 Live: "
ARCHIVED = "f1111111-1111-4111-8111-1111111111d4"
TRIAL_SMS = "f2222222-2222-4222-8222-2222222222d1"
TRIAL_EMAIL = "f2222222-2222-4222-8222-2222222222d2"
_KEYS = {
    "test": ("v1-test", LIVE, "f1111111-1111-4111-8111-1111111111c1"),
    "team": ("v1-team", LIVE, "f1111111-1111-4111-8111-1111111111c2"),
    "live": ("v1-live", LIVE, "f1111111-1111-4111-8111-1111111111c3"),
    "reader": ("v1-reader", LIVE, "f1111111-1111-4111-8111-1111111111c4"),
    "trial-live": ("v1-trial-live", TRIAL, "f2222222-2222-4222-8222-2222222222c1"),
    "limits-live": ("v1-limits-live", LIMITS, "f3333333-3333-4333-8333-3333333333c1"),
    "limits-test": ("v1-limits-test", LIMITS, "f3333333-3333-4333-8333-3333333333c2"),
}
KEYS = {label: f"gcntfy-{n}-{sid}-{secret}" for label, (n, sid, secret) in _KEYS.items()}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$")
NOT_FOUND_URL = (
    "The requested URL was not found on the server. If you entered the URL manually please "
    "check your spelling and try again."
)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    process = SandboxProcess(
        tmp_path_factory.mktemp("ca-v1"),
        fixtures=ROOT / "tests" / "fixtures" / "contract_ca_v1.yaml",
        env={"SANDBOX_PROFILE": "ca"},
    ).start()
    yield process
    process.stop()


def client(sandbox: SandboxProcess, key: str = "test") -> NotificationsAPIClient:
    return NotificationsAPIClient(KEYS[key], base_url=sandbox.base_url)


def call(
    sandbox: SandboxProcess,
    method: str,
    path: str,
    body: Any = None,
    *,
    key: str = "test",
    content_type: str = "application/json",
    authorization: str | None = None,
) -> tuple[int, Any]:
    header = f"ApiKey-v1 {KEYS[key]}" if authorization is None else authorization
    headers = {"Authorization": header} if header else {}
    data = None
    if body is not None:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        headers["Content-Type"] = content_type
    response = requests.request(
        method, sandbox.base_url + path, data=data, headers=headers, timeout=30
    )
    return response.status_code, response.json()


def error(message: Any) -> dict[str, Any]:
    return {"result": "error", "message": message}


def sms(to: str = "613-555-0123", template: str = SMS, **values: Any) -> dict[str, Any]:
    return {"to": to, "template": template, "personalisation": values}


# -- POST /notifications/sms|email ---------------------------------------------------------
def test_sms_answers_data_with_the_unprefixed_body(sandbox: SandboxProcess) -> None:
    answer = client(sandbox).post("/notifications/sms", sms(name="Ann", day="Monday"))
    notification_id = answer["data"]["notification"]["id"]
    assert answer == {
        "data": {
            "body": "Hello Ann, it's Monday.",
            "template_version": 1,
            "notification": {"id": notification_id},
        }
    }


def test_email_answers_the_body_as_written_and_the_subject_escaped(sandbox: SandboxProcess) -> None:
    answer = client(sandbox).post(
        "/notifications/email",
        {"to": "someone@example.ca", "template": EMAIL, "personalisation": {"name": "<b>A</b>"}},
    )
    assert answer["data"] == {
        "body": "Dear <b>A</b>,\n\n* one\n* two\n",
        "subject": "Hi &lt;b&gt;A&lt;/b&gt;",
        "template_version": 1,
        "notification": {"id": answer["data"]["notification"]["id"]},
    }


def test_a_v1_send_is_read_back_by_v1_and_v2(sandbox: SandboxProcess) -> None:
    sent = client(sandbox).post("/notifications/sms", sms(name="Bo", day="Friday"))
    notification_id = sent["data"]["notification"]["id"]
    one = client(sandbox).get(f"/notifications/{notification_id}")["data"]["notification"]
    assert ISO.match(one.pop("created_at"))
    for moment in ("sent_at", "updated_at"):  # set as the simulated timeline moves on
        value = one.pop(moment)
        assert value is None or ISO.match(value)
    assert UUID.match(one.pop("api_key"))  # the key's id
    assert one.pop("status") in ("created", "sent", "delivered")
    assert one == {
        "billable_units": 1,
        "body": "Hello Bo, it's Friday.",
        "content_char_count": 22,
        "id": notification_id,
        "job": None,
        "job_row_number": None,
        "notification_type": "sms",
        "reference": None,
        "sent_by": None,
        "service": LIVE,
        "template": {"id": SMS, "name": "V1 SMS", "template_type": "sms", "version": 1},
        "template_version": 1,
        "to": "613-555-0123",
    }
    # the same notification through v2: the message as sent, with the service's prefix
    v2 = client(sandbox).get_notification_by_id(notification_id)
    assert v2["body"] == "V1 Live: Hello Bo, it's Friday."


def test_body_and_type_refusals(sandbox: SandboxProcess) -> None:
    path = "/notifications/sms"
    assert call(sandbox, "POST", "/notifications/letter", {}) == (
        400,
        error(
            "letter notification type is not supported, please use the latest version of the client"
        ),
    )
    assert call(sandbox, "POST", "/notifications/fax", {}) == (
        400,
        error("fax notification type is not supported"),
    )
    assert call(sandbox, "POST", path, "{bad") == (
        400,
        error("The browser (or proxy) sent a request that this server could not understand."),
    )
    assert call(sandbox, "POST", path, "{}", content_type="text/plain") == (
        415,
        error(
            "Did not attempt to load JSON data because the request Content-Type was not "
            "'application/json'."
        ),
    )
    assert call(sandbox, "POST", path, [1]) == (400, error({"_schema": ["Invalid input type."]}))


def test_form_refusals_come_together_by_field(sandbox: SandboxProcess) -> None:
    assert call(sandbox, "POST", "/notifications/sms", {}) == (
        400,
        error(
            {
                "to": ["Missing data for required field."],
                "template": ["Missing data for required field."],
            }
        ),
    )
    body: dict[str, object] = {
        "to": 5,
        "template": None,
        "personalisation": [],
        "status": 1,
        "job": 2,
    }
    assert call(sandbox, "POST", "/notifications/sms", body) == (
        400,
        error(
            {
                "to": ["Not a valid string."],
                "template": ["Field may not be null."],
                "personalisation": ["Not a valid mapping type."],
                "status": ["Not a valid string."],
                "job": ["Not a valid string."],
            }
        ),
    )
    assert call(sandbox, "POST", "/notifications/sms", {**sms(), "to": "12"}) == (
        400,
        error({"to": ["Invalid phone number: Not a valid international number"]}),
    )
    email = {"to": "not an address", "template": EMAIL, "personalisation": None, "job": 1}
    assert call(sandbox, "POST", "/notifications/email", email) == (
        400,
        error(
            {
                "to": ["Not a valid email address"],
                "personalisation": ["Field may not be null."],
            }
        ),
    )


def test_template_refusals(sandbox: SandboxProcess) -> None:
    path = "/notifications/sms"
    no_result = (404, error("No result found"))
    assert call(sandbox, "POST", path, sms(template="not-a-uuid")) == no_result
    assert call(sandbox, "POST", path, sms(template=TRIAL_SMS)) == no_result  # another's
    assert call(sandbox, "POST", path, sms(template=EMAIL)) == (
        400,
        error("email template is not suitable for sms notification"),
    )
    assert call(sandbox, "POST", "/notifications/email", sms("a@example.ca", ARCHIVED)) == (
        400,
        error(f"Template {ARCHIVED} has been deleted"),
    )
    assert call(sandbox, "POST", path, sms(name="Ann")) == (
        400,
        error({"template": ["Missing personalisation: day"]}),
    )


def test_the_612_limit_counts_the_text_without_the_prefix(sandbox: SandboxProcess) -> None:
    path = "/notifications/sms"
    # 612 bytes of text: accepted, though the prefixed message ("V1 Live: ...") is longer
    status, _ = call(sandbox, "POST", path, sms(template=FREE_SMS, text="x" * 612))
    assert status == 201
    assert call(sandbox, "POST", path, sms(template=FREE_SMS, text="é" * 307)) == (
        400,
        error({"content": ["Content has a character count greater than the limit of 612"]}),
    )


def test_recipient_refusals_in_gcs_order(sandbox: SandboxProcess) -> None:
    team_text = (
        f"Can’t send to this recipient using a team-only API key (service {LIVE}) "
        "- see https://documentation.notification.canada.ca/en/keys.html#team-and-safelist"
    )
    assert call(sandbox, "POST", "/notifications/sms", sms(name="A", day="B"), key="team") == (
        400,
        error({"to": [team_text]}),
    )
    status, _ = call(
        sandbox, "POST", "/notifications/sms", sms("+16135550301", name="A", day="B"), key="team"
    )
    assert status == 201
    trial_text = (
        "Can’t send to this recipient when service is in trial mode – see "
        "https://documentation.notification.canada.ca/en/keys.html#live"
    )
    outsider = {"to": "x@example.ca", "template": TRIAL_EMAIL}
    assert call(sandbox, "POST", "/notifications/email", outsider, key="trial-live") == (
        400,
        error({"to": [trial_text]}),
    )
    # the allow-list passes (a team member), then the service may not send texts
    member = {"to": "+16135550401", "template": TRIAL_SMS}
    assert call(sandbox, "POST", "/notifications/sms", member, key="trial-live") == (
        400,
        error({"service": ["Cannot send text messages"]}),
    )
    abroad = sms("+33 6 12 34 56 78", FREE_SMS, text="Bonjour")
    assert call(sandbox, "POST", "/notifications/sms", abroad, key="live") == (
        400,
        error({"to": ["Cannot send to international mobile numbers"]}),
    )


def test_daily_limits_with_gcs_texts(sandbox: SandboxProcess) -> None:
    """V1 Limits allows 3 emails and 4 SMS fragments a day (fixture limits)."""
    email = {"to": "someone@example.ca", "template": LIMITS_EMAIL}
    for _ in range(3):
        assert call(sandbox, "POST", "/notifications/email", email, key="limits-live")[0] == 201
    over = (429, error("Exceeded email daily sending limit of 3 messages"))
    assert call(sandbox, "POST", "/notifications/email", email, key="limits-live") == over
    # GC checks the email limits for a simulated address too (a non-test key)
    simulated = {**email, "to": "simulate-delivered@notification.canada.ca"}
    assert call(sandbox, "POST", "/notifications/email", simulated, key="limits-live") == over
    assert call(sandbox, "POST", "/notifications/email", email, key="limits-test")[0] == 201
    text = sms(template=LIMITS_SMS, text="Hi")
    for _ in range(4):
        assert call(sandbox, "POST", "/notifications/sms", text, key="limits-live")[0] == 201
    assert call(sandbox, "POST", "/notifications/sms", text, key="limits-live") == (
        429,
        error("Exceeded SMS daily sending limit of 4 fragments"),
    )
    # but not for a simulated number, nor for a test key
    simulated_sms = {**text, "to": "613-253-2222"}  # GC compares the formatted number
    assert call(sandbox, "POST", "/notifications/sms", simulated_sms, key="limits-live")[0] == 201
    assert call(sandbox, "POST", "/notifications/sms", text, key="limits-test")[0] == 201


def test_auth_and_key_permissions(sandbox: SandboxProcess) -> None:
    assert call(sandbox, "GET", "/notifications", authorization="") == (
        401,
        error({"token": ["Unauthorized, authentication token must be provided"]}),
    )
    assert call(sandbox, "GET", "/notifications", authorization="ApiKey-v1 gcntfy-x") == (
        403,
        error({"token": ["Invalid token: API key not found"]}),
    )
    bearer = f"Bearer {make_token(secret='wrong', iss=LIVE)}"
    assert call(sandbox, "GET", "/notifications", authorization=bearer) == (
        403,
        error({"token": ["Invalid token: signature, api token not found"]}),
    )
    assert call(sandbox, "POST", "/notifications/sms", sms(), key="reader") == (
        403,
        error("This API key does not have permission to send notifications."),
    )
    assert call(sandbox, "GET", "/notifications", key="reader")[0] == 200


# -- GET /notifications/<uuid> ---------------------------------------------------------------
def test_one_notification_of_any_key_type_but_not_anothers(sandbox: SandboxProcess) -> None:
    sent = client(sandbox, "live").post(
        "/notifications/sms", sms(template=FREE_SMS, text="Any key")
    )["data"]["notification"]["id"]
    read = client(sandbox, "test").get(f"/notifications/{sent}")["data"]["notification"]
    assert (read["id"], read["body"], read["content_char_count"]) == (sent, "Any key", 7)
    missing = (404, error("Notification not found in database"))
    assert call(sandbox, "GET", f"/notifications/{sent}", key="trial-live") == missing
    assert call(sandbox, "GET", "/notifications/00000000-0000-4000-8000-000000000000") == missing
    status, body = call(sandbox, "GET", "/notifications/not-a-uuid")
    assert (status, body) == (405, error("The method is not allowed for the requested URL."))


# -- GET /notifications -------------------------------------------------------------------
def test_the_list_pages_by_number_with_a_total(sandbox: SandboxProcess) -> None:
    reader = client(sandbox, "reader")  # a test key: the list is of test-key sends
    for day in ("Mon", "Tue", "Wed"):
        client(sandbox).post("/notifications/sms", sms(name="P", day=day))
    first = reader.get("/notifications", params={"page_size": 2, "template_type": "sms"})
    total = first["total"]
    assert total >= 3 and first["page_size"] == 2
    assert [n["notification_type"] for n in first["notifications"]] == ["sms", "sms"]
    last = -(-total // 2)
    assert first["links"] == {
        "next": "/notifications?page=2&page_size=2&template_type=sms",
        "last": f"/notifications?page={last}&page_size=2&template_type=sms",
    }
    second = reader.get(
        "/notifications", params={"page": 2, "page_size": 2, "template_type": "sms"}
    )
    assert second["links"]["prev"] == "/notifications?page=1&page_size=2&template_type=sms"
    seen = {n["id"] for n in first["notifications"]} | {n["id"] for n in second["notifications"]}
    assert len(seen) == 4
    assert call(
        sandbox, "GET", f"/notifications?page={last + 1}&page_size=2&template_type=sms"
    ) == (
        404,
        error(NOT_FOUND_URL),
    )
    # only the caller's key type: the live key's sends are not a test key's
    live_ids = {n["id"] for n in client(sandbox, "live").get("/notifications")["notifications"]}
    assert live_ids and not live_ids & seen
    newest_first = [n["created_at"] for n in first["notifications"] + second["notifications"]]
    assert newest_first == sorted(newest_first, reverse=True)


def test_the_list_filters_by_status_and_type(sandbox: SandboxProcess) -> None:
    reader = client(sandbox, "reader")
    emails = reader.get("/notifications", params={"template_type": "email"})["notifications"]
    assert emails and {n["notification_type"] for n in emails} == {"email"}
    assert all("subject" in n and n["content_char_count"] is None for n in emails)
    none = reader.get("/notifications", params={"status": "no-such-status"})
    assert (none["notifications"], none["total"], none["links"]) == ([], 0, {})
    failed = reader.get("/notifications", params=[("status", "failed"), ("status", "created")])
    assert {n["status"] for n in failed["notifications"]} <= {
        "created",
        "technical-failure",
        "temporary-failure",
        "permanent-failure",
    }


def test_the_list_query_refusals(sandbox: SandboxProcess) -> None:
    query = (
        "page=x&page_size=0&limit_days=soon&include_jobs=maybe&older_than=nope"
        "&template_type=sms&template_type=fax"
    )
    assert call(sandbox, "GET", f"/notifications?{query}") == (
        400,
        error(
            {
                "page": ["Not a valid integer."],
                "page_size": ["Not a positive integer"],
                "limit_days": ["Not a valid integer."],
                "include_jobs": ["Not a valid boolean."],
                "older_than": ["Not a valid UUID."],
                "template_type": {"1": {"template_type": ["Must be one of: sms, email, letter."]}},
            }
        ),
    )
    # unknown names are left out; limit_days=1 is what was sent since the end of
    # yesterday (UTC), and 0 since the end of today: nothing, as GC's query compares
    status, body = call(sandbox, "GET", "/notifications?colour=blue&limit_days=1")
    assert status == 200 and body["total"] >= 1
    status, body = call(sandbox, "GET", "/notifications?limit_days=0")
    assert (status, body["total"]) == (200, 0)


def test_a_bulk_job_notification_names_its_job_and_row(sandbox: SandboxProcess) -> None:
    job = client(sandbox).post(
        "/v2/notifications/bulk",
        {
            "name": "v1 job",
            "template_id": FREE_SMS,
            "rows": [["phone number", "text"], ["613-555-0124", "a"], ["613-555-0125", "b"]],
        },
    )["data"]

    def made() -> dict[str, Any]:
        listed = client(sandbox).get("/notifications", params={"include_jobs": "true"})
        return {"rows": [n for n in listed["notifications"] if n["job"]]}

    rows = poll_until(made, lambda seen: len(seen["rows"]) == 2)[-1]["rows"]
    assert {(n["job"]["id"], n["job"]["original_file_name"]) for n in rows} == {
        (job["id"], "v1 job")
    }
    assert sorted((n["job_row_number"], n["to"]) for n in rows) == [
        (0, "613-555-0124"),
        (1, "613-555-0125"),
    ]
    plain = client(sandbox).get("/notifications")["notifications"]
    assert not any(n["job"] for n in plain)

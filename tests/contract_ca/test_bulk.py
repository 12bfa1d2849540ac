"""GC's bulk sends, POST /v2/notifications/bulk (contract 3.9), on a real `--profile ca` server.

The official client has no bulk method; its generic `post` sends the body with a JWT.
Refusals are checked as raw HTTP against GC's exact texts.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.contract.support import api_error, envelope, make_token
from tests.contract_ca.bulk_support import (
    ANNUAL_EMAIL,
    ANNUAL_SMS,
    ARCHIVED,
    BIG_EMAIL,
    BIG_SMS,
    BULK_FIXTURES,
    EMAIL,
    EMAIL_ONLY_SMS,
    FREE_SMS,
    LIMITS_EMAIL,
    LIMITS_SMS,
    LIVE,
    OTHER_REPLY_TO,
    SECOND_SENDER,
    SMS,
    SUSPENDED_SMS,
    TRIAL_EMAIL,
    client,
    job_progress,
    listed,
    move_clock,
    post_bulk,
    wait_for,
)
from tests.sandbox_process import SandboxProcess

JOB_KEYS = [
    "api_key",
    "archived",
    "created_at",
    "created_by",
    "id",
    "job_status",
    "notification_count",
    "original_file_name",
    "processing_finished",
    "processing_started",
    "scheduled_for",
    "sender_id",
    "service",
    "service_name",
    "template",
    "template_type",
    "template_version",
    "updated_at",
]
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?\+00:00$")


@pytest.fixture(scope="module")
def bulk_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    process = SandboxProcess(
        tmp_path_factory.mktemp("ca-bulk"),
        fixtures=BULK_FIXTURES,
        env={"SANDBOX_PROFILE": "ca"},
    ).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def base(bulk_sandbox: SandboxProcess) -> str:
    return bulk_sandbox.base_url


def token() -> str:
    return uuid.uuid4().hex[:10]


def bad_request(message: str, status: int = 400) -> tuple[int, dict[str, Any]]:
    return status, envelope(status, ("BadRequestError", message))


def mine(notifications: list[dict[str, Any]], mark: str) -> list[dict[str, Any]]:
    return [n for n in notifications if mark in n["body"]]


# -- accepted jobs -----------------------------------------------------------------------------


def test_rows_make_a_job_with_gcs_shape(base: str) -> None:
    mark = token()
    job = client(base, "test").post(
        "/v2/notifications/bulk",
        {
            "name": "Spring reminders",
            "template_id": SMS,
            "rows": [
                ["phone number", "name"],
                ["+16135550123", f"Ada {mark}"],
                ["613 555 0124", f"Bob {mark}"],
            ],
        },
    )["data"]
    assert sorted(job) == JOB_KEYS
    uuid.UUID(job["id"])
    uuid.UUID(job["api_key"]["id"])
    assert {k: v for k, v in job["api_key"].items() if k != "id"} == {
        "key_type": "test",
        "name": "bulk-test",
    }
    assert ISO_UTC.match(job["created_at"]), job["created_at"]
    assert {k: v for k, v in job.items() if k not in ("id", "api_key", "created_at")} == {
        "archived": False,
        "created_by": {"id": "6af522d0-2915-4e52-83a3-3690455a5fe6", "name": "Notify service user"},
        "job_status": "pending",
        "notification_count": 2,
        "original_file_name": "Spring reminders",
        "processing_finished": None,
        "processing_started": None,
        "scheduled_for": None,
        "sender_id": None,
        "service": LIVE,
        "service_name": {"name": "Bulk Live"},
        "template": SMS,
        "template_type": "sms",
        "template_version": 1,
        "updated_at": None,
    }


def test_a_jobs_notifications_are_listed_only_with_include_jobs(base: str) -> None:
    mark = token()
    test = client(base, "test")
    one_off = test.send_sms_notification("+16135550150", SMS, {"name": f"Solo {mark}"})
    test.post(
        "/v2/notifications/bulk",
        {
            "name": "listing",
            "template_id": SMS,
            "rows": [
                ["phone number", "name"],
                ["+16135550151", f"Ada {mark}"],
                ["+15149301633", f"Tmp {mark}"],
            ],
        },
    )
    done = wait_for(
        lambda: (
            found
            if len(found := mine(listed(base, "test", "include_jobs=true"), mark)) == 3
            and all(n["status"] not in ("created", "sent") for n in found)
            else None
        )
    )
    by_body = {n["body"]: n for n in done}
    assert by_body[f"Bulk Live: Hello Ada {mark}"]["status"] == "delivered"
    assert by_body[f"Bulk Live: Hello Ada {mark}"]["phone_number"] == "+16135550151"
    # test keys go through the simulator: the magic number fails as it would alone
    assert by_body[f"Bulk Live: Hello Tmp {mark}"]["status"] == "temporary-failure"
    for query in ("", "include_jobs=false", "include_jobs=False"):
        assert [n["id"] for n in mine(listed(base, "test", query), mark)] == [one_off["id"]]
    assert one_off["id"] in {n["id"] for n in done}


def test_csv_email_job_with_a_reply_to_address(base: str) -> None:
    mark = token()
    csv = f"email address,name,code\nada@example.ca,Ada {mark},1\nbob@example.ca,Bob {mark},2\n"
    job = client(base, "test").post(
        "/v2/notifications/bulk",
        {"name": "mail", "template_id": EMAIL, "csv": csv, "reply_to_id": OTHER_REPLY_TO},
    )["data"]
    assert (job["template_type"], job["notification_count"]) == ("email", 2)
    assert job["sender_id"] == OTHER_REPLY_TO
    found = wait_for(
        lambda: f if len(f := mine(listed(base, "test", "include_jobs=true"), mark)) == 2 else None
    )
    ada = next(n for n in found if n["email_address"] == "ada@example.ca")
    assert (ada["subject"], ada["body"]) == (f"Hi Ada {mark}", f"Dear Ada {mark}, your code is 1.")


def test_a_live_keys_job_goes_out_through_the_providers(base: str) -> None:
    mark = token()
    job = client(base, "live").post(
        "/v2/notifications/bulk",
        {
            "name": "live",
            "template_id": SMS,
            "rows": [["phone number", "name"], ["+16135550160", f"Live {mark}"]],
            "reply_to_id": SECOND_SENDER,
        },
    )["data"]
    assert job["api_key"]["key_type"] == "normal"
    assert job["sender_id"] == SECOND_SENDER
    sent = wait_for(
        lambda: (
            f[0]
            if (f := mine(listed(base, "live", "include_jobs=true"), mark))
            and f[0]["status"] != "created"
            else None
        )
    )
    assert sent["status"] in ("sent", "delivered")
    assert sent["sent_at"] is not None


def test_team_key_may_send_to_the_team_and_safelist(base: str) -> None:
    status, body = post_bulk(
        base,
        {
            "name": "team",
            "template_id": SMS,
            "rows": [["phone number", "name"], ["+16135550101", "A"], ["6135550102", "B"]],
        },
        key="team",
    )
    assert (status, body["data"]["notification_count"]) == (201, 2)


def test_test_key_may_mix_simulated_and_real_numbers(base: str) -> None:
    rows = [["phone number", "name"], ["+16132532222", "A"], ["+16135550123", "B"]]
    status, body = post_bulk(base, {"name": "mixed", "template_id": SMS, "rows": rows})
    assert (status, body["data"]["notification_count"]) == (201, 2)


# -- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {},
            (
                400,
                envelope(
                    400,
                    ("ValidationError", "name is a required property"),
                    ("ValidationError", "template_id is a required property"),
                ),
            ),
        ),
        (
            {"template_id": SMS, "csv": "foo"},
            (400, envelope(400, ("ValidationError", "name is a required property"))),
        ),
        (
            {"name": "j", "template_id": SMS, "rows": [[1], [2]], "reply_to_id": "foo"},
            (400, envelope(400, ("ValidationError", "reply_to_id is not a valid UUID"))),
        ),
        (
            {"name": "j", "template_id": SMS, "scheduled_for": 42, "rows": [1, 2]},
            (
                400,
                envelope(400, ("ValidationError", "scheduled_for 42 is not of type string, null")),
            ),
        ),
        ({"name": "j", "template_id": SMS}, bad_request("You should specify either rows or csv")),
        (
            {"name": "j", "template_id": SMS, "rows": [1, 2], "csv": "foo"},
            bad_request("You should specify either rows or csv"),
        ),
        (
            {"name": "j", "template_id": str(uuid.UUID(int=7)), "rows": [1, 2]},
            bad_request("Template not found"),
        ),
        (
            {"name": "j", "template_id": ARCHIVED, "rows": [1, 2]},
            bad_request(f"Template {ARCHIVED} has been deleted"),
        ),
        (
            {"name": "j", "template_id": SMS, "rows": [1, 2]},
            bad_request("Error converting to CSV: iterable expected, not int"),
        ),
        (
            {"name": "j", "template_id": EMAIL, "rows": [["foo"], ["bar"]]},
            bad_request("Missing column headers: code, email address, name"),
        ),
        (
            {"name": "j", "template_id": SMS, "rows": [["NAME"], ["bar"]]},
            bad_request("Missing column headers: phone number"),
        ),
        (
            {
                "name": "j",
                "template_id": SMS,
                "rows": [["phone number", "phone_number", "name"], ["bar", "baz", "x"]],
            },
            bad_request("Duplicate column headers: phone number, phone_number"),
        ),
        (
            {
                "name": "j",
                "template_id": SMS,
                "rows": [
                    ["phone number", "name"],
                    ["+16135550123", "Foo"],
                    ["+16135550124"],
                    ["nope", "nope"],
                    ["+16135550125", ""],
                    ["+16135550126", " "],
                ],
            },
            bad_request(
                "Some rows have errors. Row 1 - `name`: Missing. "
                "Row 2 - `phone number`: invalid recipient. Row 3 - `name`: Missing. "
                "Row 4 - `name`: Missing."
            ),
        ),
        (
            {"name": "j", "template_id": SMS, "csv": "Phone_Number,Name\n,\n"},
            bad_request("Some rows have errors. Row 0 - `Phone_Number`: Missing,`Name`: Missing."),
        ),
        (
            {
                "name": "j",
                "template_id": FREE_SMS,
                # "Bulk Live: " (11) + 601 = 612 fits; + 602 is one too many
                "rows": [
                    ["phone number", "text"],
                    ["+16135550123", "a" * 601],
                    ["+16135550124", "b" * 602],
                ],
            },
            bad_request(
                "Row 2 - has a character count greater than 612 characters. "
                "Some messages may be too long due to custom content."
            ),
        ),
        (
            {
                "name": "j",
                "template_id": SMS,
                "rows": [["phone number", "name"], ["+1613555", "A"]],
                "reply_to_id": str(uuid.UUID(int=9)),
            },
            bad_request(
                f"sms_sender_id {uuid.UUID(int=9)} does not exist in database for service id {LIVE}"
            ),
        ),
        (
            {
                "name": "j",
                "template_id": EMAIL,
                "csv": "email address\nx@example.ca",
                "reply_to_id": str(uuid.UUID(int=9)),
            },
            bad_request(
                f"email_reply_to_id {uuid.UUID(int=9)} does not exist in database "
                f"for service id {LIVE}"
            ),
        ),
    ],
)
def test_refusals_with_gcs_texts(
    base: str, body: dict[str, Any], expected: tuple[int, dict[str, Any]]
) -> None:
    assert post_bulk(base, body) == expected


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (-1, "scheduled_for datetime cannot be in the past"),
        (97, "scheduled_for datetime can only be up to 96 hours in the future"),
    ],
)
def test_scheduled_for_window(base: str, when: int, message: str) -> None:
    moment = (datetime.now(UTC) + timedelta(hours=when)).strftime("%Y-%m-%dT%H:%M:%S")
    body = {"name": "j", "template_id": SMS, "rows": [1, 2], "scheduled_for": moment}
    assert post_bulk(base, body) == (400, envelope(400, ("ValidationError", message)))


@pytest.mark.parametrize(
    ("key", "template", "message"),
    [
        (
            "team",
            SMS,
            "You cannot send to these recipients because you used a team and safelist API key.",
        ),
        (
            "trial-team",
            TRIAL_EMAIL,
            "You cannot send to these recipients because your service is in trial mode. "
            "You can only send to members of your team and your safelist.",
        ),
        (
            "trial-live",
            TRIAL_EMAIL,
            "You cannot send to these recipients because your service is in trial mode. "
            "You can only send to members of your team and your safelist.",
        ),
    ],
)
def test_team_and_trial_recipients(base: str, key: str, template: str, message: str) -> None:
    column = "phone number" if template == SMS else "email address"
    recipient = "+16135550177" if template == SMS else "stranger@example.ca"
    rows = [[column, "name"], [recipient, "A"]] if template == SMS else [[column], [recipient]]
    assert post_bulk(base, {"name": "j", "template_id": template, "rows": rows}, key=key) == (
        bad_request(message)
    )


def test_live_key_may_not_mix_simulated_and_real_numbers(base: str) -> None:
    rows = [["phone number", "name"], ["+16132532222", "A"], ["+16135550123", "B"]]
    assert post_bulk(base, {"name": "j", "template_id": SMS, "rows": rows}, key="live") == (
        bad_request("Bulk sending to testing and non-testing numbers is not supported")
    )


def test_permission_suspension_and_body_type(base: str) -> None:
    rows = [["phone number"], ["+16135550123"]]
    assert post_bulk(
        base, {"name": "j", "template_id": EMAIL_ONLY_SMS, "rows": rows}, key="email-only"
    ) == bad_request("Service is not allowed to send text messages")
    assert post_bulk(
        base,
        {"name": "j", "template_id": SUSPENDED_SMS, "rows": rows},
        key="suspended",
        api_key_header=True,
    ) == bad_request("Service is suspended", 403)
    assert post_bulk(base, "{}", content_type="text/plain") == bad_request(
        "UnsupportedMediaType error: Did not attempt to load JSON data because the request "
        "Content-Type was not 'application/json'.",
        415,
    )
    assert post_bulk(base, "{nope") == bad_request(
        "Error decoding arguments: The browser (or proxy) sent a request that this server "
        "could not understand."
    )


def test_too_many_rows(base: str) -> None:
    csv = "email address\n" + "someone@example.ca\n" * 50_001
    body = {"name": "big", "template_id": BIG_EMAIL, "csv": csv}
    assert post_bulk(base, body, key="big") == bad_request(
        "Too many rows. Maximum number of rows allowed is 50000"
    )


# -- limits ------------------------------------------------------------------------------------


def sms_rows(*texts: str) -> list[list[str]]:
    return [["phone number", "text"], *(["+16135550123", text] for text in texts)]


def test_daily_sms_limit_counts_fragments_and_remaining_rows(base: str) -> None:
    # the service allows 4 fragments a day; three two-part messages are 6
    two_parts = "x" * 200
    assert post_bulk(
        base,
        {"name": "j", "template_id": LIMITS_SMS, "rows": sms_rows(*[two_parts] * 3)},
        key="limits",
    ) == (
        429,
        envelope(
            429,
            (
                "LiveServiceTooManySMSRequestsError",
                "Exceeded SMS daily sending limit of 4 fragments",
            ),
        ),
    )
    status, _ = post_bulk(
        base, {"name": "j", "template_id": LIMITS_SMS, "rows": sms_rows("a", "b")}, key="limits"
    )
    assert status == 201  # two of the four places are taken now
    assert post_bulk(
        base,
        {"name": "j", "template_id": LIMITS_SMS, "rows": sms_rows("a", "b", "c")},
        key="limits",
    ) == bad_request(
        "You only have 2 remaining sms messages before you reach your daily limit. "
        "You've tried to send 3 sms messages."
    )


def test_daily_email_limit_remaining_messages(base: str) -> None:
    def rows(count: int) -> list[list[str]]:
        return [["email address"], *([f"person{i}@example.ca"] for i in range(count))]

    assert post_bulk(
        base, {"name": "j", "template_id": LIMITS_EMAIL, "rows": rows(4)}, key="limits"
    ) == bad_request(
        "You only have 3 remaining messages before you reach your daily limit. "
        "You've tried to send 4 messages."
    )
    assert (
        post_bulk(base, {"name": "j", "template_id": LIMITS_EMAIL, "rows": rows(2)}, key="limits")[
            0
        ]
        == 201
    )
    assert post_bulk(
        base, {"name": "j", "template_id": LIMITS_EMAIL, "rows": rows(2)}, key="limits"
    ) == bad_request(
        "You only have 1 remaining messages before you reach your daily limit. "
        "You've tried to send 2 messages."
    )


def test_annual_limits_come_first(base: str) -> None:
    emails = [["email address"], ["a@example.ca"], ["b@example.ca"], ["c@example.ca"]]
    assert post_bulk(
        base, {"name": "j", "template_id": ANNUAL_EMAIL, "rows": emails}, key="annual"
    ) == bad_request(
        "You only have 2 remaining messages before you reach your annual limit. "
        "You've tried to send 3 messages."
    )
    # a single send takes one of the two SMS places of the year
    client(base, "annual").send_sms_notification("+16135550123", ANNUAL_SMS)
    phones = [["phone number"], ["+16135550123"], ["+16135550124"]]
    assert post_bulk(
        base, {"name": "j", "template_id": ANNUAL_SMS, "rows": phones}, key="annual"
    ) == bad_request(
        "You only have 1 remaining sms messages before you reach your annual limit. "
        "You've tried to send 2 sms messages."
    )


# -- scheduling and restarts -------------------------------------------------------------------


def test_a_scheduled_job_starts_when_the_clock_reaches_it(
    bulk_sandbox: SandboxProcess, base: str
) -> None:
    mark = token()
    when = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    job = client(base, "test").post(
        "/v2/notifications/bulk",
        {
            "name": "later",
            "template_id": SMS,
            "rows": [["phone number", "name"], ["+16135550170", f"Later {mark}"]],
            "scheduled_for": when.strftime("%Y-%m-%dT%H:%M:%S"),
        },
    )["data"]
    assert (job["job_status"], job["scheduled_for"]) == ("scheduled", when.isoformat())
    # an unscheduled job sent after it: once its notification exists, the runner has been
    # round and passed the scheduled job over, rather than not yet looked at it
    now_mark = token()
    client(base, "test").post(
        "/v2/notifications/bulk",
        {
            "name": "now",
            "template_id": SMS,
            "rows": [["phone number", "name"], ["+16135550170", f"Now {now_mark}"]],
        },
    )
    wait_for(lambda: mine(listed(base, "test", "include_jobs=true"), now_mark) or None)
    assert mine(listed(base, "test", "include_jobs=true"), mark) == []
    try:
        move_clock(bulk_sandbox, {"advance_seconds": 2 * 3600 + 5})
        sent = wait_for(
            lambda: f if (f := mine(listed(base, "test", "include_jobs=true"), mark)) else None
        )
        assert sent[0]["body"] == f"Bulk Live: Hello Later {mark}"
    finally:
        move_clock(bulk_sandbox, {"reset": True})


@pytest.mark.parametrize("how", ["kill", "stop"])
def test_a_restart_in_the_middle_of_a_job_resumes_it_without_duplicates(
    tmp_path: Path, how: str
) -> None:
    sandbox = SandboxProcess(
        tmp_path / "data", fixtures=BULK_FIXTURES, env={"SANDBOX_PROFILE": "ca"}
    )
    sandbox.start()
    try:
        count = 8000
        rows = [["phone number", "name"], *([f"+1613555{i:04d}", f"N{i}"] for i in range(count))]
        body = {"name": "big", "template_id": BIG_SMS, "rows": rows}
        status, body = post_bulk(sandbox.base_url, body, key="big-test")
        assert status == 201
        job_id = body["data"]["id"]
        # stop it once some, not all, of the notifications are stored
        wait_for(lambda: 0 < job_progress(sandbox.data_dir, job_id)[1] < count, interval=0.001)
        if how == "kill":
            sandbox.kill()
        else:
            sandbox.stop()
        state, processed, stored = job_progress(sandbox.data_dir, job_id)
        assert (state, processed == stored) == ("in progress", True)
        assert 0 < stored < count
        sandbox.start()
        # a killed runner's lease (10 s) lapses first; a clean stop gave the job back
        done = wait_for(
            lambda: p if (p := job_progress(sandbox.data_dir, job_id))[0] == "finished" else None,
            timeout=40,
        )
        assert done == ("finished", count, count)
        listed_ids = [
            n["id"]
            for n in listed(sandbox.base_url, "big-test", "include_jobs=true&template_type=sms")
        ]
        assert len(listed_ids) == len(set(listed_ids)) == count
    finally:
        sandbox.stop()


def test_uk_profile_has_no_bulk_route(sandbox: SandboxProcess) -> None:
    """GOV.UK: /v2/notifications/bulk is still the route-level 404 it always was."""
    response = requests.post(
        f"{sandbox.base_url}/v2/notifications/bulk",
        json={"name": "j", "template_id": SMS, "rows": [["phone number"], ["07700900123"]]},
        headers={"Authorization": f"Bearer {make_token()}"},
        timeout=10,
    )
    assert (response.status_code, response.json()) == (
        404,
        {
            "result": "error",
            "message": "The requested URL was not found on the server. If you entered the URL "
            "manually please check your spelling and try again.",
        },
    )


def test_api_error_helper_still_applies(base: str) -> None:
    # the official client surfaces GC's refusal like any other
    status, body = api_error(
        lambda: client(base, "test").post(
            "/v2/notifications/bulk", {"name": "j", "template_id": SMS}
        )
    )
    assert (status, body) == bad_request("You should specify either rows or csv")

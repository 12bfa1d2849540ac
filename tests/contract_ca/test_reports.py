"""GC's reports API, /v2/reports, on a real `--profile ca` server.

The official client has no report methods: its generic `post` and `get` send a JWT;
refusals, headers and the CSV download go over raw HTTP with ApiKey-v1. Texts and shapes
are GC's (cds-snc/notification-api app/v2/reports/*.py, app/models.py Report.serialize,
app/report/utils.py for the CSV).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.contract.support import envelope
from tests.contract_ca.bulk_support import move_clock, wait_for
from tests.contract_ca.more_support import (
    OTHER,
    REPORTS,
    REPORTS_EMAIL,
    REPORTS_SMS,
    api_key_headers,
    call,
    client,
    raw_call,
)
from tests.sandbox_process import ADMIN_TOKEN, SandboxProcess

GC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
FORBIDDEN = envelope(
    403, ("ForbiddenError", "This API key does not have permission to manage reports.")
)
ROUTE_NOT_FOUND = {
    "message": "The requested URL was not found on the server. If you entered the URL manually "
    "please check your spelling and try again.",
    "result": "error",
}


@pytest.fixture(scope="module")
def base(more_sandbox: SandboxProcess) -> str:
    return more_sandbox.base_url


def _request(base: str, body: dict[str, Any], key: str = "reports") -> tuple[int, Any, Any]:
    response = raw_call(base, "POST", "/v2/reports", json.dumps(body), api_key_headers(key))
    return response.status_code, response.json(), response.headers


def _csv(base: str, report_id: str) -> str:
    response = raw_call(
        base, "GET", f"/v2/reports/{report_id}/content", None, api_key_headers("reports")
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{report_id}.csv"'
    return response.content.decode("utf-8")


def _gc_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def test_request_read_and_download_an_sms_report(base: str) -> None:
    gc = client(base, "reports")
    gc.send_sms_notification("+16135550171", REPORTS_SMS, {"name": "Ann"})
    gc.send_email_notification("ann@example.ca", REPORTS_EMAIL, {"name": "Ann"})
    status, body, headers = _request(base, {"report_type": "sms", "language": "en"})
    assert status == 202
    assert list(body) == ["report_id", "status"] and body["status"] == "requested"
    report_id = body["report_id"]
    assert headers["Location"] == f"/v2/reports/{report_id}"
    # GC makes the report in the background: before it is read again, it is not ready
    assert call(base, "GET", f"/v2/reports/{report_id}/content", key="reports") == (
        409,
        envelope(409, ("BadRequestError", "Report is not ready for download (status: requested)")),
    )
    read = gc.get(f"/v2/reports/{report_id}")
    assert sorted(read) == [
        "api_key_id", "completed_at", "expires_at", "id", "report_type", "requested_at",
        "service_id", "status",
    ]  # fmt: skip
    assert (read["id"], read["report_type"], read["service_id"], read["status"]) == (
        report_id,
        "sms",
        REPORTS,
        "ready",
    )
    uuid.UUID(read["api_key_id"])  # the key that asked for it
    assert read["completed_at"] == read["requested_at"] and GC_TIME.match(read["requested_at"])
    kept = _gc_time(read["expires_at"]) - _gc_time(read["requested_at"])
    assert timedelta(days=3) - timedelta(seconds=30) < kept <= timedelta(days=3, seconds=30)
    lines = _csv(base, report_id).splitlines()
    assert lines[0] == "Recipient,Template,Type,Sent by,Sent by email,Job,Status,Sent Time"
    [row] = [line for line in lines[1:] if "+16135550171" in line]
    recipient, template, kind, by, by_email, job, state, when = row.split(",")
    assert (recipient, template, kind, by, by_email, job) == (
        "+16135550171",
        "Report SMS",
        "sms",
        "",
        "",
        "",
    )
    assert state in {"In transit", "Sent", "Delivered"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", when)  # America/Toronto
    assert not any("ann@example.ca" in line for line in lines)


def test_a_french_email_report(base: str) -> None:
    client(base, "reports").send_email_notification("bea@example.ca", REPORTS_EMAIL, {"name": "B"})
    status, body, _ = _request(base, {"report_type": "email", "language": "fr"})
    assert status == 202
    client(base, "reports").get(f"/v2/reports/{body['report_id']}")
    lines = _csv(base, body["report_id"]).splitlines()
    assert lines[0] == (
        "Destinataire,Gabarit,Type,Envoyé par,Envoyé par courriel,Tâche,État,Heure d’envoi"
    )
    row = next(line for line in lines if line.startswith("bea@example.ca,"))
    assert row.split(",")[1:3] == ["Report email", "courriel"]


def test_a_job_report_numbers_its_rows(base: str) -> None:
    gc = client(base, "reports")
    job = gc.post(
        "/v2/notifications/bulk",
        {
            "name": "april.csv",
            "template_id": REPORTS_SMS,
            "rows": [["phone number", "name"], ["+16135550172", "A"], ["+16135550173", "B"]],
        },
    )["data"]
    wait_for(
        lambda: gc.get(f"/v2/notifications/bulk/{job['id']}")["data"]["job_status"] == "finished"
    )
    status, body, _ = _request(base, {"report_type": "job", "language": "en", "job_id": job["id"]})
    assert status == 202, body
    gc.get("/v2/reports")  # the list reads (and so makes) it too
    lines = _csv(base, body["report_id"]).splitlines()
    assert lines[0] == "Row number,Recipient,Template,Type,Job,Status,Sent Time"
    assert [line.split(",")[:5] for line in lines[1:]] == [
        ["1", "+16135550172", "Report SMS", "sms", "april.csv"],
        ["2", "+16135550173", "Report SMS", "sms", "april.csv"],
    ]


def test_the_list_pages_by_older_than(base: str) -> None:
    first = _request(base, {"report_type": "sms", "language": "en"})[1]["report_id"]
    second = _request(base, {"report_type": "email", "language": "en"})[1]["report_id"]
    page = client(base, "reports").get("/v2/reports")
    ids = [r["id"] for r in page["reports"]]
    assert ids.index(second) < ids.index(first)
    assert all(r["status"] == "ready" and "url" not in r for r in page["reports"])
    assert page["links"] == {
        "current": f"{base}/v2/reports",
        "next": f"{base}/v2/reports?older_than={ids[-1]}",
    }
    older = client(base, "reports").get(f"/v2/reports?older_than={second}")
    assert older["reports"][0]["id"] == ids[ids.index(second) + 1]
    assert older["links"]["current"] == f"{base}/v2/reports?older_than={second}"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"report_type": "sms"}, "language is a required property"),
        ({"language": "en"}, "report_type is a required property"),
        ({"report_type": "x", "language": "en"}, "report_type x is not one of [sms, email, job]"),
        ({"report_type": "sms", "language": "de"}, "language de is not one of [en, fr]"),
        ({"report_type": "job", "language": "en"}, "job_id is a required property"),
        (
            {"report_type": "job", "language": "en", "job_id": None},
            "job_id is not a valid UUID",
        ),
        ({"report_type": "sms", "language": "en", "job_id": "x"}, "job_id is not a valid UUID"),
        (
            {"report_type": "sms", "language": "en", "page": 1},
            "Additional properties are not allowed (page was unexpected)",
        ),
    ],
)
def test_request_refusals(base: str, body: dict[str, Any], message: str) -> None:
    status, got, _ = _request(base, body)
    assert (status, got) == (400, envelope(400, ("ValidationError", message)))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v2/reports"),
        ("GET", "/v2/reports"),
        ("GET", f"/v2/reports/{uuid.UUID(int=5)}"),
        ("GET", f"/v2/reports/{uuid.UUID(int=5)}/content"),
    ],
)
def test_a_key_without_manage_reports_is_refused_first(base: str, method: str, path: str) -> None:
    body = {"bogus": 1} if method == "POST" else None
    assert call(base, method, path, body, key="reports-plain") == (403, FORBIDDEN)


def test_unknown_reports_and_ids(base: str) -> None:
    missing = str(uuid.UUID(int=6))
    not_found = (404, envelope(404, ("NoResultFound", "No result found")))
    assert call(base, "GET", f"/v2/reports/{missing}", key="reports") == not_found
    assert call(base, "GET", f"/v2/reports/{missing}/content", key="reports") == not_found
    assert call(base, "GET", "/v2/reports/nope", key="reports") == (
        400,
        envelope(400, ("ValidationError", "report_id is not a valid UUID")),
    )
    assert call(base, "GET", "/v2/reports/nope/content", key="reports") == (404, ROUTE_NOT_FOUND)
    assert call(base, "GET", "/v2/reports?older_than=x", key="reports") == (
        400,
        envelope(400, ("ValidationError", "older_than is not a valid UUID")),
    )
    report_id = _request(base, {"report_type": "sms", "language": "en"})[1]["report_id"]
    # another service's report is not found
    assert call(base, "GET", f"/v2/reports/{report_id}", key="other") == not_found


def test_content_is_gone_once_the_report_expires(more_sandbox: SandboxProcess, base: str) -> None:
    report_id = _request(base, {"report_type": "sms", "language": "en"})[1]["report_id"]
    client(base, "reports").get(f"/v2/reports/{report_id}")
    try:
        move_clock(more_sandbox, {"advance_seconds": 3 * 86400 + 60})
        assert call(base, "GET", f"/v2/reports/{report_id}/content", key="reports") == (
            502,
            envelope(502, ("S3ReportDownloadError", "Failed to retrieve report content")),
        )
    finally:
        move_clock(more_sandbox, {"reset": True})


def test_ten_requests_an_hour_per_service(base: str) -> None:
    # the "other" service asks for nothing else in this suite
    for _ in range(10):
        assert _request(base, {"report_type": "email", "language": "en"}, key="other")[0] == 202
    before = time.time()
    status, body, headers = _request(base, {"report_type": "email", "language": "en"}, key="other")
    assert (status, body) == (
        429,
        {
            "errors": [
                {"error": "RateLimitExceeded", "message": "Maximum 10 report requests per hour"}
            ]
        },
    )
    assert (headers["X-RateLimit-Limit"], headers["X-RateLimit-Remaining"]) == ("10", "0")
    retry = int(headers["Retry-After"])
    assert 3500 < retry <= 3600
    assert abs(int(headers["X-RateLimit-Reset"]) - (before + retry)) <= 5


def test_a_service_reset_clears_its_reports(base: str) -> None:
    """DELETE /sandbox/v1/messages?service_id=...: the service's reports go with its
    messages (another service's stay), and so does its count of requests this hour."""
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    def reset(service_id: str) -> dict[str, int]:
        response = raw_call(
            base, "DELETE", f"/sandbox/v1/messages?service_id={service_id}", None, admin
        )
        assert response.status_code == 200, response.text
        removed: dict[str, int] = response.json()
        return removed

    reset(OTHER)
    kept = _request(base, {"report_type": "sms", "language": "en"})[1]["report_id"]
    gone = _request(base, {"report_type": "sms", "language": "en"}, key="other")[1]["report_id"]
    assert reset(OTHER)["reports_deleted"] == 1
    assert call(base, "GET", "/v2/reports", key="other") == (
        200,
        {"reports": [], "links": {"current": f"{base}/v2/reports"}},
    )
    assert call(base, "GET", f"/v2/reports/{gone}", key="other")[0] == 404
    assert call(base, "GET", f"/v2/reports/{kept}", key="reports")[0] == 200
    for _ in range(10):  # the hour's ten requests are free again
        assert _request(base, {"report_type": "email", "language": "en"}, key="other")[0] == 202
    reset(OTHER)

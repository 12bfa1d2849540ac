"""GC bulk jobs read back and cancelled: GET /v2/notifications/bulk[/{id}], DELETE .../{id}.

The official client has no method for these; its generic `get` sends a JWT, and the
refusals are checked as raw HTTP with ApiKey-v1. Shapes follow GC's admin job reads
(cds-snc/notification-api app/job/rest.py); the 409 texts are the sandbox's own.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from tests.contract.support import envelope
from tests.contract_ca.bulk_support import move_clock, wait_for
from tests.contract_ca.more_support import CANCELS_EMAIL, CANCELS_SMS, SMS, call, client
from tests.sandbox_process import SandboxProcess


@pytest.fixture(scope="module")
def base(more_sandbox: SandboxProcess) -> str:
    return more_sandbox.base_url


def _post_job(base: str, rows: int, *, hours_ahead: float | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": f"job-{uuid.uuid4()}",
        "template_id": SMS,
        "rows": [["phone number", "name"], *([f"+1613555{i:04d}", f"N{i}"] for i in range(rows))],
    }
    if hours_ahead is not None:
        when = datetime.now(UTC) + timedelta(hours=hours_ahead)
        body["scheduled_for"] = when.strftime("%Y-%m-%dT%H:%M:%S")
    job: dict[str, Any] = client(base).post("/v2/notifications/bulk", body)["data"]
    return job


def _stats(job: dict[str, Any]) -> dict[str, int]:
    return {s["status"]: s["count"] for s in job["statistics"]}


def test_a_job_reads_back_with_a_count_per_status(base: str) -> None:
    posted = _post_job(base, 3)
    read = wait_for(
        lambda: (
            j
            if sum(
                _stats(
                    j := client(base).get(f"/v2/notifications/bulk/{posted['id']}")["data"]
                ).values()
            )
            == 3
            and j["job_status"] == "finished"
            else None
        )
    )
    assert {
        k: read[k]
        for k in posted
        if k not in ("job_status", "updated_at", "processing_started", "processing_finished")
    } == {
        k: posted[k]
        for k in posted
        if k not in ("job_status", "updated_at", "processing_started", "processing_finished")
    }
    assert read["api_key"] == {
        "id": posted["api_key"]["id"],
        "key_type": "test",
        "name": "more-test",
    }
    assert all(
        isinstance(s["count"], int) and set(s) == {"status", "count"} for s in read["statistics"]
    )
    assert read["processing_finished"] is not None


def test_the_list_pages_newest_first_by_older_than(base: str) -> None:
    first, second = _post_job(base, 1), _post_job(base, 1)
    page = client(base).get("/v2/notifications/bulk")
    ids = [j["id"] for j in page["data"]]
    assert ids.index(second["id"]) < ids.index(first["id"])
    assert page["links"]["current"] == f"{base}/v2/notifications/bulk"
    assert page["links"]["next"] == f"{base}/v2/notifications/bulk?older_than={ids[-1]}"
    older = client(base).get(f"/v2/notifications/bulk?older_than={second['id']}")
    assert older["data"][0]["id"] == ids[ids.index(second["id"]) + 1]
    assert older["links"]["current"] == f"{base}/v2/notifications/bulk?older_than={second['id']}"
    assert "statistics" in older["data"][0]
    empty = client(base).get(f"/v2/notifications/bulk?older_than={ids[-1]}")
    assert empty == {
        "data": [],
        "links": {"current": f"{base}/v2/notifications/bulk?older_than={ids[-1]}"},
    }


def test_jobs_of_another_service_are_not_found(base: str) -> None:
    job = _post_job(base, 1)
    status, body = call(base, "GET", f"/v2/notifications/bulk/{job['id']}", key="other")
    assert (status, body) == (404, {"result": "error", "message": "Job not found in database"})
    status, body = call(base, "GET", "/v2/notifications/bulk", key="other")
    assert status == 200 and job["id"] not in [j["id"] for j in body["data"]]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/v2/notifications/bulk/not-a-uuid", "job_id is not a valid UUID"),
        ("/v2/notifications/bulk?older_than=nope", "older_than is not a valid UUID"),
        (
            "/v2/notifications/bulk?page=2",
            "Additional properties are not allowed (page was unexpected)",
        ),
    ],
)
def test_bad_ids_and_queries(base: str, path: str, message: str) -> None:
    status, body = call(base, "GET", path)
    assert (status, body) == (400, envelope(400, ("ValidationError", message)))
    if path.startswith("/v2/notifications/bulk/"):
        assert call(base, "DELETE", path) == (400, envelope(400, ("ValidationError", message)))


def test_cancelling_a_scheduled_job_means_its_notifications_are_never_made(
    more_sandbox: SandboxProcess, base: str
) -> None:
    job = _post_job(base, 2, hours_ahead=2)
    status, body = call(base, "DELETE", f"/v2/notifications/bulk/{job['id']}")
    assert status == 200, body
    assert body["data"]["job_status"] == "cancelled" and body["data"]["statistics"] == []
    status, again = call(base, "DELETE", f"/v2/notifications/bulk/{job['id']}")
    assert (status, again) == (
        409,
        envelope(409, ("JobAlreadyCancelledError", "Job has already been cancelled")),
    )
    # past its time, and a later job run to the end: the cancelled one stays empty
    try:
        move_clock(more_sandbox, {"advance_seconds": 3 * 3600})
        later = _post_job(base, 1)
        wait_for(
            lambda: (
                client(base).get(f"/v2/notifications/bulk/{later['id']}")["data"]["job_status"]
                == "finished"
            )
        )
    finally:
        move_clock(more_sandbox, {"reset": True})
    read = client(base).get(f"/v2/notifications/bulk/{job['id']}")["data"]
    assert (read["job_status"], read["statistics"]) == ("cancelled", [])


def test_a_job_that_has_started_cannot_be_cancelled(base: str) -> None:
    job = _post_job(base, 1)
    wait_for(
        lambda: (
            client(base).get(f"/v2/notifications/bulk/{job['id']}")["data"]["job_status"]
            == "finished"
        )
    )
    status, body = call(base, "DELETE", f"/v2/notifications/bulk/{job['id']}")
    assert (status, body) == (
        409,
        envelope(
            409,
            (
                "JobCancellationNotAllowedError",
                "Only a scheduled job can be cancelled. This job is finished.",
            ),
        ),
    )


def test_an_unknown_job_and_no_key(base: str) -> None:
    missing = str(uuid.uuid4())
    for method in ("GET", "DELETE"):
        status, body = call(base, method, f"/v2/notifications/bulk/{missing}")
        assert (status, body) == (404, {"result": "error", "message": "Job not found in database"})
    response = requests.get(f"{base}/v2/notifications/bulk", timeout=10)
    assert response.status_code == 401


def test_cancelling_an_email_job_gives_back_its_places(base: str) -> None:
    """GC's cancel_job: decrement_todays_email_count(service, notification_count). More
    Cancels allows 2 emails and 2 text messages a day."""
    when = (datetime.now(UTC) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S")

    def job(template: str, header: str, recipients: list[str]) -> dict[str, Any]:
        body = {
            "name": f"cancel-{uuid.uuid4()}",
            "template_id": template,
            "rows": [[header], *([r] for r in recipients)],
            "scheduled_for": when,
        }
        created: dict[str, Any] = client(base, "cancels").post("/v2/notifications/bulk", body)[
            "data"
        ]
        return created

    def send(path: str, body: dict[str, Any]) -> int:
        return call(base, "POST", path, body, key="cancels")[0]

    email = {"email_address": "someone@example.ca", "template_id": CANCELS_EMAIL}
    emails = job(CANCELS_EMAIL, "email address", ["a@example.ca", "b@example.ca"])
    assert send("/v2/notifications/email", email) == 429
    assert call(base, "DELETE", f"/v2/notifications/bulk/{emails['id']}", key="cancels")[0] == 200
    assert [send("/v2/notifications/email", email) for _ in range(3)] == [201, 201, 429]
    # a text job's places stay taken, as GC's SMS count does
    sms = {"phone_number": "+16135550123", "template_id": CANCELS_SMS}
    texts = job(CANCELS_SMS, "phone number", ["+16135550124", "+16135550125"])
    assert call(base, "DELETE", f"/v2/notifications/bulk/{texts['id']}", key="cancels")[0] == 200
    assert send("/v2/notifications/sms", sms) == 429

"""The phone networks' hourly limits that GC documents (GC-DOCS src/en/limits.md): to one
number, 20 texts with the same content or 100 in all. GC accepts such sends; the networks
block them, so they end `permanent-failure` with the carrier's words. Sends and reads go
through the official client.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract_ca.bulk_support import wait_for
from tests.contract_ca.more_support import SMS, client
from tests.sandbox_process import SandboxProcess

FINAL = {"delivered", "permanent-failure", "temporary-failure", "technical-failure"}


@pytest.fixture(scope="module")
def base(more_sandbox: SandboxProcess) -> str:
    return more_sandbox.base_url


def _final(base: str, notification_id: str) -> dict[str, Any]:
    live = client(base, "live")
    final: dict[str, Any] = wait_for(
        lambda: (
            n if (n := live.get_notification_by_id(notification_id))["status"] in FINAL else None
        )
    )
    return final


def _send(base: str, number: str, name: str, key: str = "live") -> str:
    sent: dict[str, Any] = client(base, key).send_sms_notification(number, SMS, {"name": name})
    notification_id: str = sent["id"]
    return notification_id


def test_the_21st_identical_text_in_an_hour_is_blocked_by_the_network(base: str) -> None:
    number = "+16135550161"
    ids = [_send(base, number, "Same") for _ in range(21)]
    allowed = _final(base, ids[19])
    assert (allowed["status"], allowed["provider_response"]) == ("delivered", None)
    blocked = _final(base, ids[20])
    assert (blocked["status"], blocked["provider_response"], blocked["status_description"]) == (
        "permanent-failure",
        "Blocked as spam by phone carrier",
        "No such number",
    )
    # other words to the same number still go, up to 100 in all
    assert _final(base, _send(base, number, "Other"))["status"] == "delivered"


def test_the_101st_text_in_an_hour_is_blocked_whatever_it_says(base: str) -> None:
    number = "+16135550162"
    ids = [_send(base, number, f"N{i}") for i in range(101)]
    assert _final(base, ids[99])["status"] == "delivered"
    assert _final(base, ids[100])["provider_response"] == "Blocked as spam by phone carrier"


def test_test_keys_never_reach_a_network(base: str) -> None:
    number = "+16135550163"
    ids = [_send(base, number, "Same", key="test") for _ in range(21)]
    test = client(base, "test")
    last = wait_for(
        lambda: n if (n := test.get_notification_by_id(ids[20]))["status"] in FINAL else None
    )
    assert last["status"] == "delivered"


def test_bulk_texts_count_toward_the_same_limits(base: str) -> None:
    """The networks see a bulk job's texts as any others: 19 single sends, then a job of
    two identical rows to the same number: the job's second text is the 21st."""
    number = "+16135550164"
    singles = [_send(base, number, "Bulk") for _ in range(19)]
    _final(base, singles[-1])
    live = client(base, "live")
    job = live.post(
        "/v2/notifications/bulk",
        {
            "name": "network",
            "template_id": SMS,
            "rows": [["phone number", "name"], [number, "Bulk"], [number, "Bulk"]],
        },
    )["data"]

    def made() -> list[dict[str, Any]] | None:
        listed = live.get_all_notifications(include_jobs=True)["notifications"]
        rows = [n for n in listed if n.get("job_id") == job["id"] or n["phone_number"] == number]
        ours = [n for n in rows if n["id"] not in singles]
        return ours if len(ours) == 2 and all(n["status"] in FINAL for n in ours) else None

    outcomes = sorted((n["status"], n["provider_response"]) for n in wait_for(made, timeout=20))
    assert outcomes == [
        ("delivered", None),
        ("permanent-failure", "Blocked as spam by phone carrier"),
    ]

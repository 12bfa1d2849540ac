"""GC's callback health: a health-check ping on set-up, suspension after 25 failures in five
minutes, nothing queued while suspended, and GC support's resume (suspend_unsuspend).

GC-DOCS src/en/callbacks.md; cds-snc/notification-api app/notifications/callbacks.py,
app/service/callback_rest.py, app/dao/service_callback_api_dao.py. Sends go through the
official client; the callbacks admin and inspection routes are plain HTTP.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.contract_ca.bulk_support import wait_for
from tests.contract_ca.more_support import CALLBACKS, CALLBACKS_SMS, MORE_FIXTURES, client
from tests.integration.callback_support import CallbackReceiver, admin_call, set_callback
from tests.sandbox_process import ADMIN_TOKEN, SandboxProcess
from tests.web.support import Browser, text

TOKEN = "gc-health-token"
ROOT = f"/sandbox/v1/services/{CALLBACKS}/callbacks/delivery-status"
GC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def _health(sandbox: SandboxProcess) -> dict[str, Any]:
    response = admin_call(sandbox, "GET", ROOT + "/health")
    assert response.status_code == 200, response.text
    health: dict[str, Any] = response.json()
    return health


def _send(base: str) -> str:
    sent = client(base, "callbacks").send_sms_notification("+16135550123", CALLBACKS_SMS)
    notification_id: str = sent["id"]
    return notification_id


def _final(base: str, notification_id: str) -> bool:
    got = client(base, "callbacks").get_notification_by_id(notification_id)
    return bool(got["status"] == "delivered")


@pytest.fixture
def receiver(more_sandbox: SandboxProcess) -> Any:
    # the ping is answered 200, the next 25 callbacks 500, everything after 200
    with CallbackReceiver(answers=[200] + [500] * 25) as server:
        try:
            yield server
        finally:
            admin_call(more_sandbox, "DELETE", ROOT)


def test_suspension_after_repeated_failures_and_the_resume(
    more_sandbox: SandboxProcess, receiver: CallbackReceiver
) -> None:
    base = more_sandbox.base_url
    response = set_callback(more_sandbox, CALLBACKS, receiver.url, TOKEN)
    assert response.status_code == 200, response.text
    assert response.json()["delivery_status"] == {
        "url": receiver.url,
        "bearer_token": "gc*************",
        "is_suspended": False,
        "suspended_at": None,
    }
    [ping] = receiver.wait_for(1)
    assert ping.body == {"health_check": "true"}
    assert ping.headers["Authorization"] == f"Bearer {TOKEN}"
    check = wait_for(lambda: _health(more_sandbox)["last_health_check"])
    assert (check["ok"], check["status_code"], check["error"]) == (True, 200, None)

    for _ in range(25):
        _send(base)
    receiver.wait_for(26, timeout=20)
    health = wait_for(lambda: h if (h := _health(more_sandbox))["is_suspended"] else None)
    assert GC_TIME.match(health["suspended_at"])
    assert (health["suspends_after"], health["window_seconds"]) == (25, 300)
    listed = admin_call(more_sandbox, "GET", f"/sandbox/v1/services/{CALLBACKS}/callbacks").json()
    assert listed["delivery_status"]["is_suspended"] is True
    # and on the dashboard's callbacks page
    browser = Browser(base)
    try:
        browser.get("/sign-in")
        assert browser.post("/sign-in", {"admin_token": ADMIN_TOKEN}).status_code == 303
        words = text(browser.get(f"/services/{CALLBACKS}/api/callbacks"))
    finally:
        browser.close()
    assert "Callbacks are suspended after repeated failures" in words
    assert f"Suspended at {health['suspended_at']}" in words
    assert "Last health check Answered 200" in words

    # while suspended, a notification that reaches its final status is owed no callback
    quiet = _send(base)
    wait_for(lambda: _final(base, quiet))
    attempts = admin_call(more_sandbox, "GET", f"/sandbox/v1/messages/{quiet}/callbacks")
    assert attempts.json() == {"callbacks": []}

    # changing the URL does not lift it; GC support's suspend_unsuspend does
    assert set_callback(more_sandbox, CALLBACKS, receiver.url, TOKEN).json()["delivery_status"][
        "is_suspended"
    ]
    resumed = admin_call(more_sandbox, "POST", ROOT + "/suspend", {"suspend_unsuspend": False})
    assert resumed.status_code == 200, resumed.text
    shown = resumed.json()["delivery_status"]
    assert shown["is_suspended"] is False and GC_TIME.match(shown["suspended_at"])
    assert _health(more_sandbox)["recent_failures"] == 0
    loud = _send(base)
    wait_for(lambda: any(h.raw and h.body.get("id") == loud for h in receiver.hits), timeout=20)


def test_health_check_on_demand_and_refusals(
    more_sandbox: SandboxProcess, receiver: CallbackReceiver
) -> None:
    assert admin_call(more_sandbox, "POST", ROOT + "/health-check").status_code == 404
    set_callback(more_sandbox, CALLBACKS, receiver.url, TOKEN)
    receiver.wait_for(1)
    checked = admin_call(more_sandbox, "POST", ROOT + "/health-check")
    assert checked.status_code == 200, checked.text
    result = checked.json()["health_check"]
    assert (result["ok"], result["status_code"]) == (False, 500)  # the second answer
    assert result["response_time_ms"] >= 0 and GC_TIME.match(result["checked_at"])
    assert receiver.hits[1].body == {"health_check": "true"}
    bad = admin_call(more_sandbox, "POST", ROOT + "/suspend", {"suspend_unsuspend": "yes"})
    assert (bad.status_code, bad.json()["errors"][0]["message"]) == (
        400,
        "suspend_unsuspend must be true or false",
    )
    suspended = admin_call(more_sandbox, "POST", ROOT + "/suspend", {"suspend_unsuspend": True})
    assert suspended.json()["delivery_status"]["is_suspended"] is True
    inbound = f"/sandbox/v1/services/{CALLBACKS}/callbacks/inbound-sms/suspend"
    assert admin_call(more_sandbox, "POST", inbound, {"suspend_unsuspend": True}).status_code == 404


def test_the_count_of_failures_survives_a_restart(tmp_path: Path) -> None:
    """The failed attempts in the window are stored with the callback's settings: after a
    restart the count goes on from where it was, so GC's 25th failure still suspends."""
    sandbox = SandboxProcess(
        tmp_path,
        fixtures=MORE_FIXTURES,
        env={
            "SANDBOX_PROFILE": "ca",
            "SANDBOX_CALLBACKS_ALLOW_HTTP": "true",
            "SANDBOX_CALLBACKS_ALLOW_ADDRESSES": "127.0.0.1",
            "SANDBOX_CALLBACK_RETRY_SCHEDULE": "0.2",
        },
    )
    # the ping is answered, the first attempt of each of 3 callbacks fails, the retries pass
    with CallbackReceiver(answers=[200, 500, 500, 500]) as receiver:
        sandbox.start()
        try:
            set_callback(sandbox, CALLBACKS, receiver.url, TOKEN)
            receiver.wait_for(1)
            for _ in range(3):
                _send(sandbox.base_url)
            receiver.wait_for(7, timeout=20)  # 1 ping + 3 failures + 3 retries
            assert receiver.stays_at(7)
            assert _health(sandbox)["recent_failures"] == 3
            sandbox.stop()
            sandbox.start()
            health = _health(sandbox)
            assert (health["recent_failures"], health["is_suspended"]) == (3, False)
            assert len(receiver.hits) == 7  # nothing was attempted again meanwhile
        finally:
            sandbox.stop()

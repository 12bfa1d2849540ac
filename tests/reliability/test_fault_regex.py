"""Defect 9: a fault rule's recipient pattern runs in linear time, never blocking the server."""

from __future__ import annotations

import time

import requests

from tests.conftest import LIVE_SERVICE
from tests.reliability.support import ADMIN, jwt_for
from tests.sandbox_process import SandboxProcess

EMAIL_TEMPLATE = "51111111-1111-4111-8111-111111111112"


def test_a_catastrophic_pattern_does_not_block_the_event_loop(sandbox: SandboxProcess) -> None:
    rule = requests.post(
        sandbox.base_url + "/sandbox/v1/faults",
        json={
            "effect": "http_error",
            "http_status": 500,
            "recipient": "(a+)+$",
            "service_id": LIVE_SERVICE,
        },
        headers=ADMIN,
        timeout=5,
    )
    assert rule.status_code == 201, rule.text
    try:
        started = time.monotonic()
        # with a backtracking engine this address took minutes (about 4x per 2 characters)
        response = requests.post(
            sandbox.base_url + "/v2/notifications/email",
            json={
                "email_address": "a" * 26 + "@example.com",
                "template_id": EMAIL_TEMPLATE,
                "personalisation": {"name": "n", "items": "i", "show": "s"},
            },
            headers={"Authorization": f"Bearer {jwt_for('test')}"},
            timeout=120,
        )
        elapsed = time.monotonic() - started
        assert response.status_code in {201, 500}, response.text
        assert elapsed < 1.0, f"send took {elapsed:.1f}s"
    finally:
        requests.delete(sandbox.base_url + "/sandbox/v1/faults", headers=ADMIN, timeout=5)


def test_a_pattern_the_linear_engine_cannot_run_is_refused(sandbox: SandboxProcess) -> None:
    rule = requests.post(
        sandbox.base_url + "/sandbox/v1/faults",
        json={"effect": "http_error", "http_status": 500, "recipient": r"(a)\1"},
        headers=ADMIN,
        timeout=5,
    )
    assert rule.status_code == 400, rule.text
    assert rule.json()["errors"][0]["message"].startswith(
        "recipient is not a valid regular expression"
    )

"""Sending through the official Python client from the reliability tests."""

from __future__ import annotations

from typing import Any

from notifications_python_client.notifications import NotificationsAPIClient

from tests.conftest import KEYS
from tests.sandbox_process import SandboxProcess

__all__ = ["PLAIN_SMS", "client", "send_sms"]

PLAIN_SMS = "51111111-1111-4111-8111-111111111113"


def client(sandbox: SandboxProcess, key: str = "team") -> NotificationsAPIClient:
    return NotificationsAPIClient(KEYS[key], base_url=sandbox.base_url)


def send_sms(sandbox: SandboxProcess, key: str = "team", **extra: Any) -> dict[str, Any]:
    return dict(client(sandbox, key).send_sms_notification("07700900501", PLAIN_SMS, **extra))

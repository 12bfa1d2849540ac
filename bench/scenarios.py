"""The six scenarios: what each request looks like, and which key sends it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.load import ApiKey, Request
from bench.many_keys import KEYS_PER_SERVICE, SERVICES, key_for

__all__ = [
    "FIXTURES",
    "KEYS",
    "SCENARIOS",
    "Context",
    "Scenario",
    "mentions_redis",
    "sms_send",
]

FIXTURES = Path(__file__).resolve().parent / "fixtures.yaml"
SERVICE_ID = "b0000000-0000-4000-8000-000000000001"
SMS_TEMPLATE = "b2222222-2222-4222-8222-222222222221"
EMAIL_TEMPLATE = "b2222222-2222-4222-8222-222222222222"
TEAM_MOBILE = "07700900501"  # a team member in bench/fixtures.yaml
# not a simulated failure (…003, …002) and not a smoke-test number (…000, …111, …222)
TEST_MOBILE = "07700900456"
TEST_EMAIL = "bench.user@example.com"
KEY_STRINGS = {
    "test": f"bench-test-{SERVICE_ID}-b1111111-1111-4111-8111-111111111111",
    "team": f"bench-team-{SERVICE_ID}-b1111111-1111-4111-8111-111111111112",
    "normal": f"bench-live-{SERVICE_ID}-b1111111-1111-4111-8111-111111111113",
}
KEYS = {name: ApiKey.from_key_string(key) for name, key in KEY_STRINGS.items()}
_ID_CAP = 20_000  # ids kept for scenario 3


@dataclass
class Context:
    """State shared between scenarios: the ids of notifications sent with the test key."""

    ids: list[str] = field(default_factory=list)

    def collect(self, status: int, body: bytes) -> None:
        if status != 201 or len(self.ids) >= _ID_CAP:
            return
        try:
            found = json.loads(body).get("id")
        except (ValueError, AttributeError):
            return
        if isinstance(found, str):
            self.ids.append(found)


def _json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()


def sms_send(index: int, key: str = "test", phone: str = TEST_MOBILE) -> Request:
    body = {
        "phone_number": phone,
        "template_id": SMS_TEMPLATE,
        "personalisation": {"name": "Ada", "code": str(100000 + index % 900000)},
        "reference": f"bench-{index}",
    }
    return Request("POST", "/v2/notifications/sms", KEYS[key], _json(body))


def email_send(index: int) -> Request:
    body = {
        "email_address": TEST_EMAIL,
        "template_id": EMAIL_TEMPLATE,
        "personalisation": {
            "name": "Ada Lovelace",
            "items": ["first item", "second item", "third item"],
            "show": "yes",
            "ref": f"R-{index}",
        },
        "reference": f"bench-{index}",
    }
    return Request("POST", "/v2/notifications/email", KEYS["test"], _json(body))


def new_token_send(index: int) -> Request:
    """Scenario 1's request from one of many keys, with a token no request used before."""
    key, template_id = key_for(index)
    body = {
        "phone_number": TEST_MOBILE,
        "template_id": template_id,
        "personalisation": {"name": "Ada", "code": str(100000 + index % 900000)},
        "reference": f"bench-{index}",
    }
    return Request("POST", "/v2/notifications/sms", key, _json(body), token_id=f"t{index}")


def _get_one(context: Context) -> Callable[[int], Request]:
    ids = list(context.ids)

    def make(index: int) -> Request:
        return Request("GET", f"/v2/notifications/{ids[index % len(ids)]}", KEYS["test"])

    return make


def _get_page(_: Context) -> Callable[[int], Request]:
    return lambda index: Request("GET", "/v2/notifications", KEYS["test"])


def _team_send(_: Context) -> Callable[[int], Request]:
    return lambda index: sms_send(index, key="team", phone=TEAM_MOBILE)


@dataclass(frozen=True)
class Scenario:
    number: int
    name: str
    title: str
    build: Callable[[Context], Callable[[int], Request]]
    collects_ids: bool = False
    needs_ids: int = 0  # test-key notifications that must exist first
    redis: bool = False
    backend: str = "sqlite"  # the storage the scenario runs on
    own_sandbox: bool = False  # fixtures of its own (scenario 7's many keys)

    @property
    def main(self) -> bool:
        """Measured on the main sandbox (SQLite, in-process limits, bench/fixtures.yaml)."""
        return not self.redis and self.backend == "sqlite" and not self.own_sandbox


SCENARIOS: dict[int, Scenario] = {
    s.number: s
    for s in (
        Scenario(1, "sms", "test-key SMS send", lambda _: sms_send, collects_ids=True),
        Scenario(2, "email", "test-key email send + personalisation", lambda _: email_send),
        Scenario(3, "get_one", "GET /v2/notifications/{id}", _get_one, needs_ids=250),
        Scenario(4, "get_page", "GET /v2/notifications (page of 250)", _get_page, needs_ids=250),
        Scenario(5, "team_send", "team-key SMS to a team member (outbox)", _team_send),
        Scenario(
            6, "redis_sms", "test-key SMS, Redis limits backend", lambda _: sms_send, redis=True
        ),
        Scenario(
            7,
            "new_token",
            f"test-key SMS, a new JWT per request ({SERVICES * KEYS_PER_SERVICE} keys)",
            lambda _: new_token_send,
            own_sandbox=True,
        ),
        Scenario(8, "pg_sms", "test-key SMS, PostgreSQL", lambda _: sms_send, backend="postgres"),
        Scenario(
            9,
            "pg_replicas",
            "test-key SMS, 2 replicas, PostgreSQL + Redis",
            lambda _: sms_send,
            redis=True,
            backend="postgres",
        ),
    )
}


def mentions_redis(value: Any) -> bool:
    """True when a /_status body names Redis anywhere (a key or a value)."""
    if isinstance(value, str):
        return "redis" in value.lower()
    if isinstance(value, dict):
        return any(mentions_redis(k) or mentions_redis(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(mentions_redis(v) for v in value)
    return False

"""Helpers for the provider-lane tests: the real sandbox subprocess and real receivers.

The tests are synchronous (the official client is), so every server a test starts runs
in a thread of its own: aiohttp apps through `ThreadedServer`, aiosmtpd through its
`Controller`. Nothing here imports `simulator`; the sandbox is reached over HTTP only.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import requests
from aiohttp import web
from notifications_python_client.notifications import NotificationsAPIClient

from tests.conftest import KEYS
from tests.sandbox_process import ADMIN_TOKEN, CONTRACT_FIXTURES, SandboxProcess

__all__ = [
    "EMAIL_TEMPLATE",
    "FINAL_STATUSES",
    "PLAIN_SMS_TEMPLATE",
    "REPLY_TO",
    "SMS_TEMPLATE",
    "TEAM_EMAIL",
    "TEAM_PHONE",
    "Answer",
    "Received",
    "ThreadedServer",
    "WebhookReceiver",
    "admin_message",
    "admin_messages",
    "client_for",
    "delivered",
    "lapse_claim_leases",
    "poll_until",
    "running_sandbox",
    "status_history",
    "unique_reference",
    "wait_for_messages",
    "write_config",
]

SMS_TEMPLATE = "51111111-1111-4111-8111-111111111111"  # "Hello ((name)), your code is ((code))."
EMAIL_TEMPLATE = "51111111-1111-4111-8111-111111111112"  # subject "Hello ((name))"
PLAIN_SMS_TEMPLATE = "51111111-1111-4111-8111-111111111113"  # "A plain message"
REPLY_TO = "31111111-1111-4111-8111-111111111111"  # replies@example.com
TEAM_PHONE = "07700900501"
TEAM_EMAIL = "member@example.com"

FINAL_STATUSES = frozenset(
    {"delivered", "temporary-failure", "permanent-failure", "technical-failure"}
)

T = TypeVar("T")


# -- the sandbox ---------------------------------------------------------------------
@contextmanager
def running_sandbox(
    data_dir: Path,
    *,
    config: Path | None = None,
    env: Mapping[str, str] | None = None,
    fixtures: Path = CONTRACT_FIXTURES,
    port: int | None = None,
) -> Iterator[SandboxProcess]:
    """A started sandbox (own data dir), stopped afterwards even if the test failed."""
    extra = dict(env or {})
    if config is not None:
        extra["SANDBOX_CONFIG"] = str(config)
    process = SandboxProcess(data_dir, env=extra, fixtures=fixtures, port=port)
    try:
        yield process.start()
    finally:
        process.stop()


def client_for(sandbox: SandboxProcess, key_name: str) -> NotificationsAPIClient:
    return NotificationsAPIClient(KEYS[key_name], base_url=sandbox.base_url)


def unique_reference(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:12]}"


def admin_messages(
    sandbox: SandboxProcess, *, token: str | None = ADMIN_TOKEN, **params: str
) -> requests.Response:
    """GET /sandbox/v1/messages; ``token=None`` sends no Authorization header."""
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return requests.get(
        f"{sandbox.base_url}/sandbox/v1/messages", params=params, headers=headers, timeout=10
    )


def admin_message(sandbox: SandboxProcess, notification_id: str) -> dict[str, Any]:
    """GET /sandbox/v1/messages/{id}: one message, with the email's HTML."""
    response = requests.get(
        f"{sandbox.base_url}/sandbox/v1/messages/{notification_id}",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return dict(response.json()["data"])


def wait_for_messages(
    sandbox: SandboxProcess, count: int, *, timeout: float = 8.0, **params: str
) -> list[dict[str, Any]]:
    """
    Poll the inspection view until at least `count` messages matching `params` have been
    handed to a provider (``provider`` set); those messages, newest first.
    """

    def fetch() -> list[dict[str, Any]]:
        response = admin_messages(sandbox, **params)
        assert response.status_code == 200, response.text
        return [m for m in response.json()["messages"] if m["provider"] is not None]

    return poll_until(fetch, lambda found: len(found) >= count, timeout=timeout)[-1]


def poll_until(
    fetch: Callable[[], T],
    done: Callable[[T], bool],
    *,
    timeout: float = 8.0,
    interval: float = 0.02,
) -> list[T]:
    """Call `fetch` until `done`; every distinct value seen, in order, the last one last."""
    seen: list[T] = []
    deadline = time.monotonic() + timeout
    while True:
        current = fetch()
        if not seen or seen[-1] != current:
            seen.append(current)
        if done(current):
            return seen
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout}s; seen so far: {seen}")
        time.sleep(interval)


def worker_has_polled(sandbox: SandboxProcess) -> None:
    """
    Wait until the sandbox's worker has taken a step on a test-key send made now.

    Anything that was due before that send has been looked at by then: the observable
    event a "nothing else happened" check waits for, instead of a fixed sleep. A test key
    never reaches a provider, so it adds nothing to what such checks count.
    """
    client = client_for(sandbox, "test")
    sent = client.send_sms_notification(TEAM_PHONE, SMS_TEMPLATE, {"name": "Po", "code": "0"})
    poll_until(
        lambda: client.get_notification_by_id(sent["id"])["status"],
        lambda status: status != "created",
        timeout=10,
    )


def status_history(
    client: NotificationsAPIClient,
    notification_id: str,
    *,
    until: frozenset[str] | set[str] = FINAL_STATUSES,
    timeout: float = 8.0,
) -> list[str]:
    """Every distinct status GET /v2/notifications/{id} showed, until one in `until`."""
    return poll_until(
        lambda: str(client.get_notification_by_id(notification_id)["status"]),
        lambda status: status in until,
        timeout=timeout,
    )


def lapse_claim_leases(data_dir: Path) -> int:
    """
    Make every claimed-but-unfinished notification due now, as if its lease had run out.

    Only for a stopped (killed) sandbox. The worker's claim lease is 120 s and cannot be
    set from the config yet, so a restart test would otherwise wait two minutes for the
    lease to lapse. Rows still `created` with a future `next_action_at` are exactly the
    claimed ones (an unclaimed row is due already).
    """
    with sqlite3.connect(data_dir / "sandbox.db") as connection:
        cursor = connection.execute(
            "UPDATE notifications SET next_action_at = 0 "
            "WHERE status = 'created' AND key_type != 'test' AND next_action_at IS NOT NULL"
        )
        return cursor.rowcount


# -- the config file -------------------------------------------------------------------
def write_config(path: Path, providers: Sequence[Mapping[str, Any]], **settings: object) -> Path:
    """
    Write a SANDBOX_CONFIG TOML file: top-level `settings`, then one [[providers]] table
    per mapping (name, kind, channel, priority and a nested ``settings`` mapping).
    """
    lines = [f"{key} = {_toml_value(value)}" for key, value in settings.items()]
    for provider in providers:
        lines += ["", "[[providers]]"]
        lines += [
            f"{key} = {_toml_value(value)}" for key, value in provider.items() if key != "settings"
        ]
        if provider.get("settings"):
            lines.append("[providers.settings]")
            lines += [
                f"{key} = {_toml_value(value)}" for key, value in provider["settings"].items()
            ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    raise TypeError(f"cannot write {value!r} as TOML")


# -- small real servers ----------------------------------------------------------------
class ThreadedServer:
    """An aiohttp application on 127.0.0.1:<free port>, served from a thread of its own."""

    def __init__(self, app: web.Application) -> None:
        self._app = app
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ThreadedServer:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        self.port = future.result(10)
        return self

    def __exit__(self, *exc_info: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(15)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _start(self) -> int:
        # handlers still running at exit (held or slow answers) get a short grace period
        self._runner = web.AppRunner(self._app, access_log=None, shutdown_timeout=0.25)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        return int(self._runner.addresses[0][1])

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        leftovers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in leftovers:
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)


@dataclass(frozen=True, slots=True)
class Received:
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("Idempotency-Key")


Answer = Callable[["Received"], tuple[int, dict[str, Any]]]


def delivered(received: Received) -> tuple[int, dict[str, Any]]:
    """An idempotent provider: the same key always gets the same reference."""
    return 200, {"status": "delivered", "id": f"wh-{received.idempotency_key}"}


@dataclass(eq=False)
class WebhookReceiver:
    """
    The far end of a webhook provider: records every request and answers with `answer`.

    With `hold` given, each request first waits until the event is set (and `arrived` is
    set as soon as one is waiting), so a test can act while a hand-off is in flight.
    With `delay`, each answer comes that many seconds late (for client timeouts).
    """

    answer: Answer = delivered
    hold: threading.Event | None = None
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/messages", self._handle)
        return app

    def serve(self) -> ThreadedServer:
        return ThreadedServer(self.app())

    def keys(self) -> list[str | None]:
        return [r.idempotency_key for r in self.received]

    async def _handle(self, request: web.Request) -> web.Response:
        received = Received(dict(request.headers), await request.json())
        self.received.append(received)
        self.arrived.set()
        if self.hold is not None:
            while not self.hold.is_set():
                await asyncio.sleep(0.02)
        if self.delay:
            await asyncio.sleep(self.delay)
        status, body = self.answer(received)
        return web.json_response(body, status=status)

"""Helpers for the issue 7 tests: a real callback receiver and the sandbox's admin API.

The receiver is an aiohttp application served from a thread of its own (`ThreadedServer`),
so synchronous tests using the official client can wait for what it is sent. Nothing
here imports `simulator`; the sandbox is reached over HTTP only.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from aiohttp import web
from multidict import CIMultiDict

from tests.integration.lane_support import ThreadedServer, poll_until
from tests.sandbox_process import ADMIN_TOKEN, SandboxProcess

__all__ = [
    "ADMIN_HEADERS",
    "CallbackReceiver",
    "Hit",
    "admin_call",
    "advance_clock",
    "callback_attempts",
    "parse_time",
    "reset_clock",
    "set_callback",
    "wait_for_callback",
    "write_fixture",
]

ADMIN_HEADERS = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True, slots=True)
class Hit:
    """One request the receiver got."""

    path: str
    headers: CIMultiDict[str]
    raw: str
    at: float  # time.monotonic() on arrival

    @property
    def body(self) -> Any:
        return json.loads(self.raw)


@dataclass(eq=False)
class CallbackReceiver:
    """
    A service's callback endpoint: records every POST and answers from a script.

    `answers[i]` is the HTTP status for the i-th request (200 once the script runs out);
    `delays[i]` makes the i-th answer that many seconds late (for the 5 s timeout).
    """

    answers: Sequence[int] = ()
    delays: Sequence[float] = ()
    hits: list[Hit] = field(default_factory=list)
    _changed: threading.Condition = field(default_factory=threading.Condition)
    _server: ThreadedServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "use the receiver as a context manager"
        return f"{self._server.url}/notify/callbacks"

    def __enter__(self) -> CallbackReceiver:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._handle)
        self._server = ThreadedServer(app).__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.__exit__(*exc_info)

    async def _handle(self, request: web.Request) -> web.Response:
        raw = (await request.read()).decode("utf-8")
        with self._changed:
            index = len(self.hits)
            self.hits.append(Hit(request.path, CIMultiDict(request.headers), raw, time.monotonic()))
            self._changed.notify_all()
        if index < len(self.delays) and self.delays[index]:
            await asyncio.sleep(self.delays[index])
        status = self.answers[index] if index < len(self.answers) else 200
        return web.json_response({"result": "recorded"}, status=status)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Hit]:
        """At least `count` requests (all of them, in arrival order), or AssertionError."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.hits) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"{len(self.hits)} callback(s) after {timeout}s, wanted {count}: "
                        f"{[h.raw for h in self.hits]}"
                    )
                self._changed.wait(left)
            return list(self.hits)

    def stays_at(self, count: int, seconds: float = 0.3) -> bool:
        """True when no request beyond `count` arrives within `seconds` (small polling)."""
        time.sleep(seconds)
        return len(self.hits) == count


# -- the admin API -----------------------------------------------------------------------
def admin_call(
    sandbox: SandboxProcess, method: str, path: str, body: Any = None, **params: str
) -> requests.Response:
    return requests.request(
        method,
        f"{sandbox.base_url}{path}",
        json=body,
        params=params or None,
        headers=ADMIN_HEADERS,
        timeout=15,
    )


def set_callback(
    sandbox: SandboxProcess,
    service_id: str,
    url: str,
    token: str,
    *,
    kind: str = "delivery-status",
) -> requests.Response:
    return admin_call(
        sandbox,
        "PUT",
        f"/sandbox/v1/services/{service_id}/callbacks/{kind}",
        {"url": url, "bearer_token": token},
    )


def callback_attempts(sandbox: SandboxProcess, notification_id: str) -> list[dict[str, Any]]:
    response = admin_call(sandbox, "GET", f"/sandbox/v1/messages/{notification_id}/callbacks")
    assert response.status_code == 200, response.text
    return list(response.json()["callbacks"])


def wait_for_callback(
    sandbox: SandboxProcess, notification_id: str, status: str, *, timeout: float = 8.0
) -> dict[str, Any]:
    """The notification's one callback, once its status is `status`."""
    seen = poll_until(
        lambda: callback_attempts(sandbox, notification_id),
        lambda found: len(found) == 1 and found[0]["status"] == status,
        timeout=timeout,
    )
    return seen[-1][0]


def advance_clock(sandbox: SandboxProcess, seconds: float) -> dict[str, Any]:
    response = admin_call(sandbox, "POST", "/sandbox/v1/clock", {"advance_seconds": seconds})
    assert response.status_code == 200, response.text
    return dict(response.json())


def reset_clock(sandbox: SandboxProcess) -> dict[str, Any]:
    response = admin_call(sandbox, "POST", "/sandbox/v1/clock", {"reset": True})
    assert response.status_code == 200, response.text
    return dict(response.json())


def parse_time(text: str) -> datetime:
    """Notify's DATETIME_FORMAT, strictly (6-digit microseconds and a literal Z)."""
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC)


def write_fixture(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path

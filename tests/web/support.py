"""Driving the dashboard over HTTP as a browser without JavaScript would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from typing import Any

import httpx

from tests.sandbox_process import ROOT, SandboxProcess

DASHBOARD_FIXTURES = ROOT / "tests" / "fixtures" / "dashboard.yaml"
LIVE = "71111111-1111-4111-8111-111111111111"
TRIAL = "71111111-1111-4111-8111-111111111112"
ELSE = "71111111-1111-4111-8111-111111111113"
TEST_KEY = f"dash-test-{LIVE}-73111111-1111-4111-8111-111111111111"
TEAM_KEY = f"dash-team-{LIVE}-73111111-1111-4111-8111-111111111112"
LIVE_KEY = f"dash-live-{LIVE}-73111111-1111-4111-8111-111111111113"
SMS_TEMPLATE = "74111111-1111-4111-8111-111111111111"
EMAIL_TEMPLATE = "74111111-1111-4111-8111-111111111112"
LETTER_TEMPLATE = "74111111-1111-4111-8111-111111111113"
PASSWORDS = {"alice@example.com": "alice-password", "viewer@example.com": "viewer-password"}

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)


@contextmanager
def dashboard_server(
    tmp: Path, *, profile: str = "uk", fixtures: Path = DASHBOARD_FIXTURES
) -> Iterator[SandboxProcess]:
    env = {"SANDBOX_PROFILE": profile}
    server = SandboxProcess(tmp, fixtures=fixtures, env=env).start()
    try:
        yield server
    finally:
        server.stop()


def h1(response: httpx.Response) -> str:
    found = _H1.search(response.text)
    assert found, response.text[:500]
    return unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def text(response: httpx.Response) -> str:
    """The page's words, tags stripped, entities decoded."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.text, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))


class Browser:
    """A cookie jar, the CSRF token of the last page, no redirects followed by itself."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, follow_redirects=False, timeout=10)
        self.csrf = ""

    def close(self) -> None:
        self.http.close()

    def get(self, path: str, **kw: Any) -> httpx.Response:
        response = self.http.get(path, **kw)
        found = _CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def post(
        self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True
    ) -> httpx.Response:
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf_token", self.csrf)
        return self.http.post(path, data=form)

    def follow(self, response: httpx.Response) -> httpx.Response:
        assert response.status_code == 303, (response.status_code, response.text[:300])
        return self.get(response.headers["Location"])

    def sign_in(self, email: str, password: str | None = None) -> httpx.Response:
        self.get("/sign-in")
        return self.post(
            "/sign-in", {"email_address": email, "password": password or PASSWORDS[email]}
        )

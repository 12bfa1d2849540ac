"""Defect 10: a web page must not be able to drive the admin API; /v2 keeps Notify's CORS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.reliability.support import ADMIN
from tests.sandbox_process import SandboxProcess

ALLOWED = "http://localhost:3000"


@pytest.fixture(scope="module")
def allowing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    data = Path(tmp_path_factory.mktemp("cors"))
    process = SandboxProcess(data, env={"SANDBOX_ADMIN_CORS_ORIGINS": ALLOWED}).start()
    yield process
    process.stop()


def _cors(response: requests.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.lower().startswith("access-control")}


@pytest.mark.parametrize("method", ["GET", "OPTIONS"])
def test_admin_routes_send_no_cors_headers_by_default(sandbox: SandboxProcess, method: str) -> None:
    response = requests.request(
        method,
        sandbox.base_url + "/sandbox/v1/services",
        headers={**ADMIN, "Origin": "https://evil.example"},
        timeout=5,
    )
    assert response.status_code == 200
    assert _cors(response) == {}


def test_v2_keeps_notifys_cors_headers(sandbox: SandboxProcess) -> None:
    response = requests.get(sandbox.base_url + "/v2/notifications", timeout=5)
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_an_allowed_origin_is_echoed_and_no_other(allowing: SandboxProcess) -> None:
    url = allowing.base_url + "/sandbox/v1/services"
    allowed = requests.get(url, headers={**ADMIN, "Origin": ALLOWED}, timeout=5)
    assert allowed.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Origin" in allowed.headers["Vary"]
    other = requests.get(url, headers={**ADMIN, "Origin": "https://evil.example"}, timeout=5)
    assert _cors(other) == {}

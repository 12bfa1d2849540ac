"""The hostile-input sweep: every /v2 and /sandbox/v1 route (taken from the served OpenAPI
documents, which are generated from the router) gets malformed JSON, wrong types,
surrogates, NUL, huge integers, deep nesting and large bodies. Result: no 5xx, every
refusal in the envelope (or Flask's route-level body), and a healthy server afterwards.
"""

from __future__ import annotations

import json
import re
import socket
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from simulator.api.openapi_live import DOCUMENT_PATHS
from tests.reliability.support import ADMIN, RawResponse, jwt_for, parse_response, raw_request
from tests.sandbox_process import SandboxProcess

BODIES: dict[str, bytes] = {
    "malformed JSON": b'{"template_id": ',
    "a JSON array": b"[1, 2, 3]",
    "a JSON string": b'"text"',
    "wrong types": json.dumps(
        {
            "template_id": 5,
            "phone_number": [],
            "email_address": {},
            "name": 1.5,
            "url": True,
            "personalisation": "x",
            "reference": 7,
            "restricted": "yes",
            "rate_limit": "10",
        }
    ).encode(),
    "a lone surrogate": b'{"name": "\\ud800", "reference": "\\udfff"}',
    "NUL": b'{"name": "a\\u0000b", "phone_number": "0770\\u00000900501"}',
    "raw NUL bytes": b'{"name": "a\x00b"}',
    "huge integers": b'{"rate_limit": 1' + b"0" * 400 + b', "version": -' + b"9" * 50 + b"}",
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "not UTF-8": b'{"name": "\xff\xfe"}',
    "1 MB of JSON": json.dumps({"name": "x" * 1_000_000}).encode(),
}
_PARAM = re.compile(r"\{([^}]+)\}")


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    process = SandboxProcess(Path(tmp_path_factory.mktemp("hostile"))).start()
    yield process
    process.stop()


def _routes(sandbox: SandboxProcess) -> list[tuple[str, str]]:
    found = []
    for document in DOCUMENT_PATHS.values():
        paths = requests.get(sandbox.base_url + document, timeout=5).json()["paths"]
        found += [(method.upper(), path) for path, ops in paths.items() for method in ops]
    return sorted(found)


def _fill(path: str, service_id: str) -> str:
    def value(match: re.Match[str]) -> str:
        return service_id if match.group(1) == "service_id" else str(uuid.uuid4())

    return _PARAM.sub(value, path)


def _acceptable(response: RawResponse) -> bool:
    """A 2xx/3xx, or a refusal in the envelope or Flask's route-level body."""
    if response.status < 400:
        return True
    if response.status >= 500:
        return False
    try:
        body = response.json()
    except ValueError:
        return response.status == 405  # Flask's HTML page for a method no route has
    return bool(("status_code" in body and body.get("errors")) or body.get("result") == "error")


def _headers(path: str) -> dict[str, str]:
    auth = ADMIN["Authorization"] if path.startswith("/sandbox/") else f"Bearer {jwt_for('team')}"
    return {"Authorization": auth, "Content-Type": "application/json"}


def test_every_route_survives_every_hostile_body(target: SandboxProcess) -> None:
    service_id = requests.post(
        target.base_url + "/sandbox/v1/services",
        json={"name": "Hostile"},
        headers=ADMIN,
        timeout=5,
    ).json()["data"]["id"]
    routes = _routes(target)
    assert len(routes) > 30
    statuses: Counter[int] = Counter()
    bad: list[str] = []
    for method, path in routes:
        url = _fill(path, service_id)
        for name, body in BODIES.items():
            response = raw_request(target, method, url, body=body, headers=_headers(path))
            statuses[response.status] += 1
            if not _acceptable(response):
                bad.append(f"{method} {path} with {name}: {response}")
    print(
        f"\nhostile sweep: {sum(statuses.values())} requests over {len(routes)} routes, "
        f"statuses {dict(sorted(statuses.items()))}"
    )
    assert bad == []
    assert requests.get(target.base_url + "/_status", timeout=5).status_code == 200


def _declared_only(sandbox: SandboxProcess, method: str, path: str, length: int) -> float:
    """Headers announcing `length` bytes, and only the first 64 KiB of them."""
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Authorization: {_headers(path)['Authorization']}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=10) as sock:
        sock.sendall(head + b"[" * 65536)
        response = parse_response(sock.recv(65536))
    assert 400 <= response.status < 500, response  # 413, or an earlier refusal
    assert response.json()["status_code"] == response.status
    return time.monotonic() - started


@pytest.mark.parametrize("size", [20_000_000, 100_000_000])
def test_a_huge_body_is_refused_before_it_is_read(target: SandboxProcess, size: int) -> None:
    for method, path in [
        ("POST", "/v2/notifications/sms"),
        ("PATCH", "/sandbox/v1/services/x"),
        ("POST", "/v2/template/x/preview"),
    ]:
        assert _declared_only(target, method, path, size) < 2.0
    assert requests.get(target.base_url + "/_status", timeout=5).status_code == 200


def test_bodies_up_to_the_limit_are_read_and_refused_cleanly(target: SandboxProcess) -> None:
    for size in (1_000_000, 5_000_000, 15_000_000):
        body = json.dumps({"phone_number": "07700900501", "reference": "x" * size}).encode()
        response = raw_request(
            target,
            "POST",
            "/v2/notifications/sms",
            body=body,
            headers=_headers("/v2/"),
            timeout=30,
        )
        assert 400 <= response.status < 500, response
        assert response.json()["errors"]

"""Raw-socket and raw-HTTP helpers for the reliability suite (hostile input needs raw bytes)."""

from __future__ import annotations

import socket
import time
from collections.abc import Mapping
from typing import Any

import jwt

from tests.conftest import KEYS, LIVE_SERVICE
from tests.sandbox_process import ADMIN_TOKEN, SandboxProcess

__all__ = ["ADMIN", "RawResponse", "jwt_for", "raw_request", "send_raw"]

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def jwt_for(key_name: str = "team", **claims: Any) -> str:
    full = KEYS[key_name]
    secret = full[-36:]
    service_id = full[-73:-37]
    payload = {"iss": service_id, "iat": int(time.time()), **claims}
    return jwt.encode(payload, secret, algorithm="HS256")


class RawResponse:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        import json

        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"<RawResponse {self.status} {self.body[:300]!r}>"


def send_raw(sandbox: SandboxProcess, data: bytes, timeout: float = 10.0) -> RawResponse:
    """Write bytes on a fresh connection, read one response (Connection: close expected)."""
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return parse_response(b"".join(chunks))


def parse_response(raw: bytes) -> RawResponse:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    if not lines or not lines[0].startswith(b"HTTP/"):
        raise AssertionError(f"no HTTP response: {raw[:200]!r}")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.decode("latin-1").strip().lower()] = value.decode("latin-1").strip()
    if headers.get("transfer-encoding") == "chunked":
        body = _dechunk(body)
    return RawResponse(status, headers, body)


def _dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_text, _, rest = data.partition(b"\r\n")
        size = int(size_text.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2 :]
    return out


def raw_request(
    sandbox: SandboxProcess,
    method: str,
    path: str,
    *,
    body: bytes = b"",
    headers: Mapping[str, bytes | str] | None = None,
    timeout: float = 10.0,
) -> RawResponse:
    lines = [f"{method} {path} HTTP/1.1".encode(), f"Host: 127.0.0.1:{sandbox.port}".encode()]
    for name, value in (headers or {}).items():
        raw_value = value.encode() if isinstance(value, str) else value
        lines.append(name.encode() + b": " + raw_value)
    lines.append(b"Connection: close")
    lines.append(f"Content-Length: {len(body)}".encode())
    return send_raw(sandbox, b"\r\n".join(lines) + b"\r\n\r\n" + body, timeout)


def service_path(suffix: str = "") -> str:
    return f"/sandbox/v1/services/{LIVE_SERVICE}{suffix}"

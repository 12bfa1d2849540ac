"""A small client for the sandbox's admin API, used by the command line."""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["AdminClient", "AdminError"]


class AdminError(RuntimeError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class AdminClient:
    def __init__(self, base_url: str, token: str, *, timeout: float = 10.0) -> None:
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
        )

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        try:
            response = self._client.request(method, f"/sandbox/v1{path}", json=body)
        except httpx.HTTPError as error:
            raise AdminError(0, f"cannot reach the sandbox: {error}") from error
        if response.status_code == 204:
            return None
        payload = response.json() if response.content else None
        if response.status_code >= 400:
            errors = (payload or {}).get("errors") or [{"message": response.text}]
            raise AdminError(response.status_code, "; ".join(e["message"] for e in errors))
        return payload

    def close(self) -> None:
        self._client.close()

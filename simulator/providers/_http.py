"""Shared httpx plumbing for the HTTP-based providers (webhook, Twilio)."""

from __future__ import annotations

from typing import Any, Final

import httpx

from simulator.domain.outbound import ProviderError

__all__ = [
    "USER_AGENT",
    "is_retryable_status",
    "json_object",
    "response_excerpt",
    "transport_error",
]

USER_AGENT: Final = "notify-sandbox"
_EXCERPT = 200  # enough of an error body to debug, short enough for a log line


def is_retryable_status(status_code: int) -> bool:
    """429 and 5xx may succeed later; any other 4xx will not."""
    return status_code == 429 or status_code >= 500


def transport_error(exc: httpx.HTTPError, provider: str) -> ProviderError:
    """
    Turn an httpx failure into a `ProviderError`.

    Timeouts and network errors are retryable. The URL is left out on purpose: webhook
    URLs may carry tokens in their query string.
    """
    retryable = isinstance(exc, httpx.TransportError) and not isinstance(
        exc, httpx.UnsupportedProtocol
    )
    reason = str(exc) or "no detail"
    return ProviderError(f"{provider}: {type(exc).__name__}: {reason}", retryable=retryable)


def response_excerpt(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return text if len(text) <= _EXCERPT else text[:_EXCERPT] + "…"


def json_object(response: httpx.Response) -> dict[str, Any]:
    """The response body as a JSON object, or ``{}`` when it is empty, not JSON or not an object."""
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}

"""The handle a test gets: the sandbox's address and keys, and its admin API as plain calls."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from enum import Enum
from types import TracebackType
from typing import Any

import httpx

from simulator.testing.server import FixtureKey

__all__ = ["MESSAGE_FILTERS", "NamedIds", "NotifySandbox", "SandboxAdminError"]

MESSAGE_FILTERS = frozenset(
    {
        "service_id",
        "key_type",
        "recipient",
        "reference",
        "status",
        "template_id",
        "type",
        "since",
        "limit",
    }
)
_LONG_POLL_SLICE = 25.0  # seconds per long-poll request; the loop covers longer timeouts
_EMPTY_PAUSE = 0.05  # between polls, should the server answer at once with nothing


class NamedIds(dict[str, str]):
    """Name -> id; looking up a name it does not have (a typo) says which names it has."""

    def __init__(self, kind: str, items: Mapping[str, str] | None = None) -> None:
        super().__init__(items or {})
        self.kind = kind

    def __missing__(self, name: str) -> str:
        names = ", ".join(repr(n) for n in self) or "none"
        raise KeyError(f"no {self.kind} named {name!r} in the sandbox's fixtures; it has: {names}")


class SandboxAdminError(RuntimeError):
    """The sandbox refused an admin call; `status` is the HTTP status (0: unreachable)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class NotifySandbox:
    """A running sandbox: where it is, its fixture keys and templates, and its admin API.

    Every method is synchronous (httpx), for use from ordinary pytest tests.
    """

    def __init__(
        self,
        base_url: str,
        admin_token: str,
        *,
        keys: Iterable[FixtureKey] = (),
        template_ids: Mapping[str, str] | None = None,
        services: Mapping[str, str] | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.admin_token = admin_token
        self._keys = tuple(keys)
        self._template_ids = dict(template_ids or {})
        self._services = dict(services or {})
        self._timeout = timeout
        self._http = httpx.Client(
            base_url=f"{self.base_url}/sandbox/v1",
            headers={"Authorization": f"Bearer {admin_token}"},
            timeout=timeout,
        )

    def __repr__(self) -> str:
        return f"NotifySandbox(base_url={self.base_url!r})"

    # -- what the fixtures define ------------------------------------------------------------

    @property
    def keys(self) -> dict[str, str]:
        """Key name -> the full key string to give a client (the first key of each name)."""
        found = NamedIds("key")
        for key in self._keys:
            found.setdefault(key.name, key.value)
        return found

    @property
    def test_key(self) -> str:
        return self._first_key("test")

    @property
    def team_key(self) -> str:
        return self._first_key("team")

    @property
    def live_key(self) -> str:
        return self._first_key("normal")

    @property
    def template_ids(self) -> dict[str, str]:
        """Template name -> template id; a name it does not have lists the names it has."""
        return NamedIds("template", self._template_ids)

    @property
    def services(self) -> dict[str, str]:
        """Service name -> service id, in fixture order."""
        return NamedIds("service", self._services)

    @property
    def service_id(self) -> str:
        """The first service in the fixtures (the one the convenience keys usually belong to)."""
        for service_id in self._services.values():
            return service_id
        raise LookupError("the sandbox's fixtures define no service")

    def _first_key(self, key_type: str) -> str:
        for key in self._keys:
            if key.key_type == key_type:
                return key.value
        names = ", ".join(f"{k.name} ({k.key_type})" for k in self._keys) or "none"
        raise LookupError(f"the sandbox's fixtures have no {key_type} key; keys: {names}")

    # -- messages ---------------------------------------------------------------------------

    def messages(self, **filters: Any) -> list[dict[str, Any]]:
        """Messages the sandbox holds, newest first.

        Filters: service_id, key_type, recipient, reference, status, template_id, type
        ("sms"/"email"), since (datetime or ISO string) and limit.
        """
        payload = self._call("GET", "/messages", params=_message_params(filters))
        return list(payload["messages"])

    def message(self, notification_id: str) -> dict[str, Any]:
        """One message, by notification id, with its rendered body (and the email's HTML)."""
        return dict(self._call("GET", f"/messages/{notification_id}")["data"])

    def wait_for_message(self, timeout: float = 5.0, **filters: Any) -> dict[str, Any]:
        """The newest message matching `filters`, waiting up to `timeout` seconds for one.

        Uses the server's long-polling (`wait=`), so it returns as soon as a message matches.
        Raises AssertionError, listing what the sandbox does hold, when none arrives in time.
        """
        params = _message_params(filters)
        deadline = time.monotonic() + timeout
        while True:
            # the server holds the request up to `wait` seconds, answering as soon as one matches
            wait = round(max(0.0, min(deadline - time.monotonic(), _LONG_POLL_SLICE)), 2)
            payload = self._call(
                "GET",
                "/messages",
                params={**params, "wait": f"{wait:g}"} if wait else params,
                timeout=self._timeout + wait,
            )
            if payload["messages"]:
                return dict(payload["messages"][0])
            if time.monotonic() >= deadline:
                raise AssertionError(self._timeout_message(filters, timeout))
            time.sleep(min(_EMPTY_PAUSE, max(0.0, deadline - time.monotonic())))

    def _timeout_message(self, filters: Mapping[str, Any], timeout: float) -> str:
        wanted = ", ".join(f"{k}={v!r}" for k, v in filters.items()) or "no filters"
        try:
            held = self.messages(limit=5)
        except SandboxAdminError as error:
            return f"no message matching {wanted} within {timeout}s (and listing failed: {error})"
        if not held:
            return f"no message matching {wanted} within {timeout}s; the sandbox holds none"
        lines = [
            f"  {m.get('type')} to {m.get('recipient')!r} status={m.get('status')!r} "
            f"reference={m.get('reference')!r} key_type={m.get('key_type')!r} "
            f"template_id={m.get('template_id')!r}"
            for m in held
        ]
        return (
            f"no message matching {wanted} within {timeout}s; the newest it holds:\n"
            + "\n".join(lines)
        )

    def reset(self, service_id: str | None = None) -> int:
        """Delete stored messages: one service's, or everything. Returns how many went."""
        params = {"service_id": service_id} if service_id is not None else None
        payload = self._call("DELETE", "/messages", params=params)
        return int((payload or {}).get("deleted", 0))

    # -- time -------------------------------------------------------------------------------

    def advance_clock(self, seconds: float | timedelta) -> dict[str, Any]:
        """Move the sandbox clock forward; returns {"now", "offset_seconds"}."""
        if isinstance(seconds, timedelta):
            seconds = seconds.total_seconds()
        return dict(self._call("POST", "/clock", json={"advance_seconds": seconds}))

    def set_clock(self, moment: str | datetime) -> dict[str, Any]:
        """Set the sandbox clock to a moment (ISO string, or an aware datetime)."""
        when = moment.isoformat() if isinstance(moment, datetime) else moment
        return dict(self._call("POST", "/clock", json={"set": when}))

    def reset_clock(self) -> dict[str, Any]:
        """Put the sandbox clock back on wall time."""
        return dict(self._call("POST", "/clock", json={"reset": True}))

    # -- faults and inbound texts -----------------------------------------------------------

    def inject_fault(self, **rule: Any) -> dict[str, Any]:
        """Add a fault rule, e.g. ``inject_fault(effect="http_error", http_status=429)``.

        Keys: service_id, channel, recipient (a regex), effect, http_status, latency_ms,
        status, probability, count. Returns the stored rule, with its id.
        """
        return dict(self._call("POST", "/faults", json=rule)["data"])

    def faults(self) -> list[dict[str, Any]]:
        """The fault rules in force."""
        payload = self._call("GET", "/faults")
        return list(payload["faults"] if "faults" in payload else payload["data"])

    def remove_fault(self, fault_id: str) -> None:
        self._call("DELETE", f"/faults/{fault_id}")

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def inbound_sms(
        self,
        user_number: str,
        content: str,
        service_id: str | None = None,
        *,
        notify_number: str | None = None,
    ) -> dict[str, Any]:
        """Inject a text message received from `user_number` (default: the first service)."""
        body: dict[str, Any] = {"user_number": user_number, "content": content}
        if notify_number is not None:
            body["notify_number"] = notify_number
        target = service_id or self.service_id
        return dict(self._call("POST", f"/services/{target}/inbound-sms", json=body)["data"])

    # -- callbacks --------------------------------------------------------------------------

    def set_callback(
        self,
        url: str,
        bearer_token: str,
        *,
        kind: str = "delivery_status",
        service_id: str | None = None,
    ) -> dict[str, Any]:
        """Set a service's callback ("delivery_status" or "inbound_sms"; default first service)."""
        target = service_id or self.service_id
        body = {"url": url, "bearer_token": bearer_token}
        return dict(self._call("PUT", f"/services/{target}/callbacks/{kind}", json=body))

    def callbacks(self, notification_id: str) -> list[dict[str, Any]]:
        """The callbacks the sandbox has sent (or is retrying) for one notification."""
        payload = self._call("GET", f"/messages/{notification_id}/callbacks")
        return list(payload["callbacks"])

    # -- plumbing ---------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> NotifySandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        timeout: float | None = None,
    ) -> Any:
        try:
            response = self._http.request(
                method,
                path,
                params=params,
                json=json,
                timeout=timeout if timeout is not None else self._timeout,
            )
        except httpx.HTTPError as error:
            raise SandboxAdminError(0, f"cannot reach the sandbox: {error}") from error
        if response.status_code >= 400:
            raise SandboxAdminError(
                response.status_code,
                f"{method} /sandbox/v1{path} failed ({response.status_code}): "
                f"{_error_text(response)}",
            )
        if response.status_code == 204 or not response.content:
            return None
        return response.json()


def _message_params(filters: Mapping[str, Any]) -> dict[str, str]:
    unknown = sorted(set(filters) - MESSAGE_FILTERS)
    if unknown:
        raise TypeError(
            f"unknown message filter(s) {', '.join(unknown)}; use {sorted(MESSAGE_FILTERS)}"
        )
    params: dict[str, str] = {}
    for name, value in filters.items():
        if value is None:
            continue
        if isinstance(value, datetime):
            params[name] = value.isoformat()
        elif isinstance(value, Enum):
            params[name] = str(value.value)
        else:
            params[name] = str(value)
    return params


def _error_text(response: httpx.Response) -> str:
    try:
        payload = response.json()
    except ValueError:
        return response.text
    errors = payload.get("errors") if isinstance(payload, dict) else None
    if isinstance(errors, list) and errors:
        return "; ".join(str(e.get("message", e)) for e in errors if isinstance(e, dict))
    return response.text

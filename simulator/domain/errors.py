"""Notify-shaped errors raised by the domain and the gateway.

Each error carries its public class name and HTTP status explicitly; the API
middleware is the only place that turns them into response bodies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "AuthError",
    "BadRequestError",
    "ErrorItem",
    "LegacyInvalidRequest",
    "NotifyError",
    "RouteError",
    "ValidationError",
]


@dataclass(frozen=True, slots=True)
class ErrorItem:
    error: str
    message: str


class NotifyError(Exception):
    """An error answered with Notify's v2 envelope."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int = 400,
        error: str = "BadRequestError",
        headers: dict[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
        status_in_body: bool = True,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.error = error
        self.headers = headers or {}
        # top-level keys some GC answers add after "errors" (template_categories, ...)
        self.extra = dict(extra or {})
        # GC's report limit answers {"errors": [...]} alone, without "status_code"
        self.status_in_body = status_in_body

    @property
    def items(self) -> Sequence[ErrorItem]:
        return (ErrorItem(self.error, self.message),)

    @property
    def legacy_message(self) -> object:
        """The ``message`` of GC's v1 body, ``{"result": "error", "message": ...}``: the
        same error classes, as GC's v1 blueprint answers them (``InvalidRequest.to_dict``)."""
        return self.message


class AuthError(NotifyError):
    def __init__(self, message: str, status_code: int = 403) -> None:
        super().__init__(message, status_code=status_code, error="AuthError")

    @property
    def legacy_message(self) -> object:
        return {"token": [self.message]}  # GC's AuthError.message


class LegacyInvalidRequest(NotifyError):
    """GC's v1 ``InvalidRequest`` whose message is ``{field: [text, ...]}``."""

    def __init__(self, fields: Mapping[str, Any], status_code: int = 400) -> None:
        first = next(iter(fields.values()), [""])
        super().__init__(
            str(first[0]) if isinstance(first, list) and first else str(first),
            status_code=status_code,
            error="InvalidRequest",
        )
        self.fields = dict(fields)

    @property
    def legacy_message(self) -> object:
        return self.fields


class BadRequestError(NotifyError):
    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message, status_code=status_code, error="BadRequestError")


class ValidationError(NotifyError):
    """Schema failures: one envelope, possibly several items."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__(messages[0] if messages else "", status_code=400, error="ValidationError")
        self._messages = list(messages)

    @property
    def items(self) -> Sequence[ErrorItem]:
        return tuple(ErrorItem("ValidationError", m) for m in self._messages)


class RouteError(Exception):
    """Routing-level failures (unknown URL, wrong method): Flask's bare body, not the envelope."""

    def __init__(
        self,
        status_code: int,
        message: str,
        *,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.content_type = content_type
        self.headers = headers or {}

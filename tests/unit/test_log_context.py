"""A request's log fields never leak into the next request on the same connection."""

from __future__ import annotations

import structlog

from simulator.api.log_context import bind, bind_principal, start_request


def test_each_request_starts_with_only_its_own_fields() -> None:
    start_request("trace-1", "POST", "/v2/notifications/sms")
    bind_principal("service-1", "test")
    bind(notification_id="n-1", recipient="07*******56", error="BadRequestError")
    assert structlog.contextvars.get_contextvars() == {
        "request_id": "trace-1",
        "method": "POST",
        "path": "/v2/notifications/sms",
        "service_id": "service-1",
        "key_type": "test",
        "notification_id": "n-1",
        "recipient": "07*******56",
        "error": "BadRequestError",
    }
    start_request("trace-2", "GET", "/v2/notifications")
    assert structlog.contextvars.get_contextvars() == {
        "request_id": "trace-2",
        "method": "GET",
        "path": "/v2/notifications",
    }

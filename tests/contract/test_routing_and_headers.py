"""Route-level errors, methods, paths and response headers (4.3, 10; 13.1 n, o, p, t; 13.2)."""

from __future__ import annotations

import json
import re

import pytest
import requests

from tests.contract.support import (
    PLAIN_SMS_TEMPLATE,
    SECRETS,
    client_for,
    envelope,
    make_token,
    raw,
)
from tests.sandbox_process import SandboxProcess

ROUTE_NOT_FOUND = {
    "message": "The requested URL was not found on the server. If you entered the URL manually "
    "please check your spelling and try again.",
    "result": "error",
}
METHOD_NOT_ALLOWED = {
    "message": "The method is not allowed for the requested URL.",
    "result": "error",
}
SECURITY_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Content-Type,Authorization",
    "Access-Control-Allow-Methods": "GET,PUT,POST,DELETE",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Permitted-Cross-Domain-Policies": "none",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "Cache-Control": "no-store, no-cache, private, must-revalidate",
}
SMS_BODY = json.dumps({"phone_number": "07700900123", "template_id": PLAIN_SMS_TEMPLATE})


def token() -> str:
    return make_token(secret=SECRETS["test"])


def assert_security_headers(response: requests.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-B3-TraceId"])
    assert re.fullmatch(r"self-[0-9a-f]{16}", response.headers["X-B3-SpanId"])


# -- 404 ---------------------------------------------------------------------------


@pytest.mark.parametrize("authorised", [False, True])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v2/nowhere"),
        ("GET", "/nowhere"),
        ("POST", "/v2/notifications/sms/"),
        ("GET", "/v2/notifications/"),
        ("GET", "/v2/templates/"),
        ("GET", "/v1/notifications"),
        # GC's own routes are not GOV.UK's
        ("GET", "/v2/manage-template/template-categories"),
        ("POST", "/v2/manage-template"),
        ("GET", "/v2/notifications/bulk/8c0f8ad4-7cf6-4b0d-9d1c-bbbbbbbbbbbb"),
        ("GET", "/v2/reports"),
    ],
)
def test_unknown_url_is_the_route_404(
    sandbox: SandboxProcess, method: str, path: str, authorised: bool
) -> None:
    response = raw(sandbox.base_url, method, path, token=token() if authorised else None)
    assert (response.status_code, response.json()) == (404, ROUTE_NOT_FOUND)
    assert response.headers["Content-Type"] == "application/json"
    assert "Location" not in response.headers
    assert_security_headers(response)


def test_unknown_notification_type_with_auth_is_the_route_404(sandbox: SandboxProcess) -> None:
    response = raw(sandbox.base_url, "POST", "/v2/notifications/foo", token=token(), data="{}")
    assert (response.status_code, response.json()) == (404, ROUTE_NOT_FOUND)


def test_unknown_notification_type_without_auth_is_401(sandbox: SandboxProcess) -> None:
    response = raw(sandbox.base_url, "POST", "/v2/notifications/foo", data="{}")
    assert (response.status_code, response.json()) == (
        401,
        envelope(401, ("AuthError", "Unauthorized: authentication token must be provided")),
    )


def test_doubled_leading_slash_is_served(sandbox: SandboxProcess) -> None:
    # a deliberate kindness to clients that join "base/" + "/v2/..." (contract 10)
    response = raw(sandbox.base_url, "POST", "//v2/notifications/sms", token=token(), data=SMS_BODY)
    assert response.status_code == 201
    assert response.json()["content"]["body"] == "A plain message"


def test_official_client_with_a_trailing_slash_base_url(sandbox: SandboxProcess) -> None:
    client = client_for(sandbox.base_url + "/", "test")
    assert client.send_sms_notification("07700900123", PLAIN_SMS_TEMPLATE)["id"]


# -- 405 and OPTIONS ---------------------------------------------------------------


@pytest.mark.parametrize("authorised", [False, True])
@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_wrong_method_is_405_as_text_html(
    sandbox: SandboxProcess, method: str, authorised: bool
) -> None:
    response = raw(
        sandbox.base_url,
        method,
        "/v2/notifications/sms",
        token=token() if authorised else None,
        data=SMS_BODY,
    )
    assert response.status_code == 405
    assert json.loads(response.text) == METHOD_NOT_ALLOWED
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Allow"] == "HEAD, POST, GET, OPTIONS"
    assert_security_headers(response)


@pytest.mark.parametrize("path", ["/v2/templates", "/v2/notifications"])
def test_post_to_a_get_only_route_is_405(sandbox: SandboxProcess, path: str) -> None:
    response = raw(sandbox.base_url, "POST", path, token=token())
    assert response.status_code == 405
    assert json.loads(response.text) == METHOD_NOT_ALLOWED
    assert response.headers["Allow"] == "HEAD, GET, OPTIONS"


@pytest.mark.parametrize("path", ["/v2/notifications/sms", "/v2/notifications", "/v2/templates"])
def test_options_is_200_empty_without_auth(sandbox: SandboxProcess, path: str) -> None:
    response = raw(sandbox.base_url, "OPTIONS", path)
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["Content-Type"].startswith("text/html")
    assert "OPTIONS" in response.headers["Allow"]
    assert_security_headers(response)


def test_options_allow_header_for_the_sms_route(sandbox: SandboxProcess) -> None:
    response = raw(sandbox.base_url, "OPTIONS", "/v2/notifications/sms")
    assert response.headers["Allow"] == "HEAD, POST, GET, OPTIONS"


# -- headers on success and on errors (13.1 t) -----------------------------------------


def test_201_headers(sandbox: SandboxProcess) -> None:
    response = raw(sandbox.base_url, "POST", "/v2/notifications/sms", token=token(), data=SMS_BODY)
    assert response.status_code == 201
    assert response.headers["Content-Type"] == "application/json"
    assert "Location" not in response.headers
    assert_security_headers(response)


@pytest.mark.parametrize(
    ("method", "path", "authorised", "status"),
    [
        ("POST", "/v2/notifications/sms", False, 401),
        ("POST", "/v2/notifications/sms", True, 400),
        ("GET", "/v2/notifications/7f2a8b1c-0000-4000-8000-000000000000", True, 404),
        ("GET", "/v2/templates", True, 200),
        ("GET", "/v2/received-text-messages", True, 200),
    ],
)
def test_json_responses_have_notifys_headers(
    sandbox: SandboxProcess, method: str, path: str, authorised: bool, status: int
) -> None:
    response = raw(sandbox.base_url, method, path, token=token() if authorised else None, data="")
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    assert_security_headers(response)


def test_b3_headers_are_echoed(sandbox: SandboxProcess) -> None:
    trace, span = "463ac35c9f6413ad48485a3953bb6124", "a2fb4a1d1a96d312"
    response = raw(
        sandbox.base_url,
        "GET",
        "/v2/templates",
        token=token(),
        headers={"X-B3-TraceId": trace, "X-B3-SpanId": span},
    )
    assert response.headers["X-B3-TraceId"] == trace
    assert response.headers["X-B3-SpanId"] == span


def test_b3_headers_are_echoed_on_errors(sandbox: SandboxProcess) -> None:
    trace, span = "463ac35c9f6413ad48485a3953bb6125", "a2fb4a1d1a96d313"
    response = raw(
        sandbox.base_url,
        "GET",
        "/v2/templates",
        headers={"X-B3-TraceId": trace, "X-B3-SpanId": span},
    )
    assert response.status_code == 401
    assert (response.headers["X-B3-TraceId"], response.headers["X-B3-SpanId"]) == (trace, span)


def test_json_is_compact_sorted_and_ascii_escaped(sandbox: SandboxProcess) -> None:
    client_token = make_token(secret=SECRETS["team"])
    response = raw(
        sandbox.base_url,
        "POST",
        "/v2/notifications/sms",
        token=client_token,
        data=json.dumps({"phone_number": "07700900999", "template_id": PLAIN_SMS_TEMPLATE}),
    )
    assert response.text == (
        '{"errors":[{"error":"BadRequestError","message":"Can\\u2019t send to this recipient '
        'using a team-only API key"}],"status_code":400}'
    )


# -- health checks ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/"), ("GET", "/_status"), ("POST", "/_status")]
)
def test_status_without_auth(sandbox: SandboxProcess, method: str, path: str) -> None:
    response = raw(sandbox.base_url, method, path)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.headers["Content-Type"] == "application/json"
    assert_security_headers(response)


@pytest.mark.parametrize("path", ["/_status?simple=1", "/?simple=1"])
def test_simple_status(sandbox: SandboxProcess, path: str) -> None:
    response = raw(sandbox.base_url, "GET", path)
    assert (response.status_code, response.json()) == (200, {"status": "ok"})

"""The admin sub-application's one middleware guards every /sandbox/v1 route the server
lists, and what shares the prefix without being admin keeps its own answers."""

from __future__ import annotations

import re
import uuid

import requests

from simulator.api.openapi_live import DOCUMENT_PATHS
from simulator.domain.messages import Messages
from tests.reliability.support import ADMIN, raw_request
from tests.sandbox_process import SandboxProcess

# signed by the provider, or public documents: not behind the admin token
_PUBLIC = ("/sandbox/v1/receipts/", "/sandbox/v1/openapi/")
_PARAM = re.compile(r"\{[^}]+\}")
MISSING = "Unauthorized: admin token must be provided"
WRONG = "Invalid token: admin token not recognised"


def _admin_routes(sandbox: SandboxProcess) -> list[tuple[str, str]]:
    document = requests.get(sandbox.base_url + DOCUMENT_PATHS["sandbox"], timeout=5).json()
    return [
        (method.upper(), _PARAM.sub(lambda _: str(uuid.uuid4()), path))
        for path, operations in document["paths"].items()
        if not path.startswith(_PUBLIC)
        for method in operations
    ]


def test_every_admin_route_wants_the_admin_token(sandbox: SandboxProcess) -> None:
    routes = _admin_routes(sandbox)
    assert len(routes) > 30
    for method, path in routes:
        for authorization, status, text in (
            (None, 401, MISSING),
            ("Bearer not-the-token", 403, WRONG),
            ("Basic " + ADMIN["Authorization"].removeprefix("Bearer "), 403, WRONG),
        ):
            headers = {"Content-Type": "application/json"}
            if authorization is not None:
                headers["Authorization"] = authorization
            response = raw_request(sandbox, method, path, body=b"{}", headers=dict(headers))
            assert response.status == status, (method, path, response)
            assert response.json() == {
                "status_code": status,
                "errors": [{"error": "AuthError", "message": text}],
            }, (method, path)


def test_unknown_urls_and_methods_under_the_prefix_answer_without_credentials(
    sandbox: SandboxProcess,
) -> None:
    for path in ("/sandbox/v1/nothing-here", "/sandbox/v1", "/sandbox/v1/receipts/nobody"):
        response = raw_request(sandbox, "GET", path)
        assert response.status == 404, (path, response)
        assert response.json() == {"message": Messages().route_not_found, "result": "error"}
    for method, path, allowed in (
        ("PUT", "/sandbox/v1/messages", "HEAD, GET, DELETE, OPTIONS"),
        ("GET", "/sandbox/v1/receipts/twilio", "POST, OPTIONS"),
        ("POST", DOCUMENT_PATHS["sandbox"], "HEAD, GET, OPTIONS"),
    ):
        response = raw_request(sandbox, method, path)
        assert response.status == 405, (method, path, response)
        assert response.headers["allow"] == allowed, (method, path)


def test_the_public_routes_under_the_prefix_ask_for_no_admin_token(
    sandbox: SandboxProcess,
) -> None:
    assert requests.get(sandbox.base_url + DOCUMENT_PATHS["sandbox"], timeout=5).ok
    # no twilio provider configured: the receipt route's own 404, not the admin 401
    response = raw_request(sandbox, "POST", "/sandbox/v1/receipts/twilio")
    assert response.status == 404
    assert response.json()["errors"][0]["error"] == "NoResultFound"

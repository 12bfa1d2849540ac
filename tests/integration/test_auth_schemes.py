"""Issue 6 item 4: the full key string as credentials, each scheme off unless configured.

GC Notify's `ApiKey-v1 <key>`, `Bearer <key>` (seed 004), `Basic <base64 key>` (seed 003),
`?api_key=<key>` (seed 004). JWT is always on. Each scheme gets the same revocation,
expiry, permission and rate-limit answers as JWT.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import KEYS
from tests.integration.key_support import Admin, client, running_sandboxes, send_sms
from tests.sandbox_process import SandboxProcess

SCHEMES = ["apikey-v1", "bearer-key", "basic", "query"]

NO_TOKEN = "Unauthorized: authentication token must be provided"
BEARER_REQUIRED = "Unauthorized: authentication bearer scheme must be used"
BAD_TOKEN = (
    "Invalid token: make sure your API token matches the example at "
    "https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header"
)
KEY_REVOKED = "Invalid token: API key revoked"
KEY_EXPIRED = "Invalid token: API key expired"
KEY_NOT_FOUND = "Invalid token: API key not found"
FULL_KEY = "Invalid token: Enter your full API key"
SERVICE_ARCHIVED = "Invalid token: service is archived"
NO_SEND = "This API key does not have permission to send notifications."
NO_READ = "This API key does not have permission to read notifications."
RATE_LIMITED = "Exceeded rate limit for key type TEAM of 1 requests per 60 seconds"
API_KEY_UNEXPECTED = "Additional properties are not allowed (api_key was unexpected)"

# what each scheme gets from a server that does not accept it: the JWT path's own errors
WHEN_OFF = {
    "apikey-v1": (401, BEARER_REQUIRED),
    "bearer-key": (403, BAD_TOKEN),
    "basic": (401, BEARER_REQUIRED),
    "query": (401, NO_TOKEN),
}


def credentials(scheme: str, full_key: str) -> dict[str, Any]:
    if scheme == "apikey-v1":
        return {"headers": {"Authorization": f"ApiKey-v1 {full_key}"}}
    if scheme == "bearer-key":
        return {"headers": {"Authorization": f"Bearer {full_key}"}}
    if scheme == "basic":
        encoded = base64.b64encode(full_key.encode()).decode()
        return {"headers": {"Authorization": f"Basic {encoded}"}}
    return {"params": {"api_key": full_key}}


# one connection pool for the module: a new httpx client per call costs more than the call
HTTP = httpx.Client(timeout=10)
ADMINS: dict[str, Admin] = {}


@pytest.fixture(scope="module", autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    for admin in ADMINS.values():
        admin.close()
    ADMINS.clear()


def get(server: SandboxProcess, scheme: str, full_key: str, **params: str) -> httpx.Response:
    given = credentials(scheme, full_key)
    given["params"] = {**given.get("params", {}), **params}
    return HTTP.get(f"{server.base_url}/v2/notifications", **given)


def send(server: SandboxProcess, scheme: str, full_key: str, template_id: str) -> httpx.Response:
    return HTTP.post(
        f"{server.base_url}/v2/notifications/sms",
        json={
            "phone_number": "07700900123",
            "template_id": template_id,
            "personalisation": {"name": "Ada"},
        },
        **credentials(scheme, full_key),
    )


def error(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    assert body["status_code"] == response.status_code
    [only] = body["errors"]
    return response.status_code, only["error"], only["message"]


def auth_error(status: int, message: str) -> tuple[int, str, str]:
    return status, "AuthError", message


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[SandboxProcess]]:
    with running_sandboxes(
        (tmp_path_factory.mktemp("schemes-off"), {}),
        (tmp_path_factory.mktemp("schemes-on"), {"SANDBOX_AUTH_SCHEMES": ",".join(SCHEMES)}),
        (tmp_path_factory.mktemp("schemes-basic"), {"SANDBOX_AUTH_SCHEMES": "Basic"}),
    ) as processes:
        yield processes


@pytest.fixture(scope="module")
def off(servers: list[SandboxProcess]) -> SandboxProcess:
    """No SANDBOX_AUTH_SCHEMES: JWT only."""
    return servers[0]


@pytest.fixture(scope="module")
def on(servers: list[SandboxProcess]) -> SandboxProcess:
    return servers[1]


@pytest.fixture(scope="module")
def basic_only(servers: list[SandboxProcess]) -> SandboxProcess:
    return servers[2]


def new_service(server: SandboxProcess, **fields: Any) -> tuple[Admin, dict[str, Any]]:
    admin = ADMINS.get(server.base_url) or ADMINS.setdefault(
        server.base_url, Admin(server.base_url)
    )
    service = admin.new_service(**fields)
    service["template_id"] = admin.new_template(service["id"])["id"]
    return admin, service


# -- off by default ---------------------------------------------------------------------------
@pytest.mark.parametrize("scheme", SCHEMES)
def test_each_scheme_is_off_by_default(off: SandboxProcess, scheme: str) -> None:
    admin, service = new_service(off)
    key = admin.new_key(service["id"])["key"]
    status, message = WHEN_OFF[scheme]
    assert error(get(off, scheme, key)) == auth_error(status, message)
    assert error(send(off, scheme, key, service["template_id"])) == auth_error(status, message)
    # JWT, always on, works with the same key
    send_sms(client(off, key), service["template_id"])


@pytest.mark.parametrize("scheme", ["apikey-v1", "bearer-key", "query"])
def test_enabling_one_scheme_leaves_the_others_off(basic_only: SandboxProcess, scheme: str) -> None:
    admin, service = new_service(basic_only)
    key = admin.new_key(service["id"])["key"]
    assert get(basic_only, "basic", key).status_code == 200
    status, message = WHEN_OFF[scheme]
    assert error(get(basic_only, scheme, key)) == auth_error(status, message)


def test_a_query_key_is_not_echoed_when_the_scheme_is_off(off: SandboxProcess) -> None:
    admin, service = new_service(off)
    key = admin.new_key(service["id"])["key"]
    response = HTTP.get(
        f"{off.base_url}/v2/notifications",
        params={"api_key": key},
        headers=client(off, key).generate_headers(_jwt(key)),
    )
    assert error(response) == (400, "ValidationError", API_KEY_UNEXPECTED)
    assert key[-36:] not in response.text


def _jwt(full_key: str) -> str:
    from notifications_python_client.authentication import create_jwt_token

    return str(create_jwt_token(full_key[-36:], full_key[-73:-37]))


# -- on: the same answers as JWT ---------------------------------------------------------------
@pytest.mark.parametrize("scheme", SCHEMES)
def test_an_enabled_scheme_reads_and_sends(on: SandboxProcess, scheme: str) -> None:
    admin, service = new_service(on)
    created = admin.new_key(service["id"], "scheme-key")
    sent = send(on, scheme, created["key"], service["template_id"])
    assert sent.status_code == 201, sent.text
    assert sent.json()["content"]["body"] == "Hello Ada"
    listed = get(on, scheme, created["key"])
    assert listed.status_code == 200, listed.text
    assert [n["id"] for n in listed.json()["notifications"]] == [sent.json()["id"]]
    usage = admin.activity(service["id"], created["id"])["usage"]
    assert (usage["request_count"], usage["sends"]) == (2, {"sms": 1, "email": 0})
    # JWT stays on beside it
    assert (
        client(on, created["key"]).get_all_notifications()["notifications"][0]["id"]
        == (sent.json()["id"])
    )


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_revoked_key_is_refused_on_the_next_request(on: SandboxProcess, scheme: str) -> None:
    admin, service = new_service(on)
    created = admin.new_key(service["id"])
    admin.new_key(service["id"], "spare")
    assert send(on, scheme, created["key"], service["template_id"]).status_code == 201
    admin.revoke(service["id"], created["id"])
    expected = auth_error(403, KEY_REVOKED)
    assert error(send(on, scheme, created["key"], service["template_id"])) == expected
    assert error(get(on, scheme, created["key"])) == expected


@pytest.mark.parametrize("scheme", SCHEMES)
def test_an_expired_key_is_refused(on: SandboxProcess, scheme: str) -> None:
    admin, service = new_service(on)
    created = admin.new_key(service["id"], expires_at=admin.in_future(60))
    try:
        assert get(on, scheme, created["key"]).status_code == 200
        admin.advance(120)
        assert error(get(on, scheme, created["key"])) == auth_error(403, KEY_EXPIRED)
        expected = auth_error(403, KEY_EXPIRED)
        assert error(send(on, scheme, created["key"], service["template_id"])) == expected
    finally:
        admin.reset_clock()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_permissions_are_checked(on: SandboxProcess, scheme: str) -> None:
    admin, service = new_service(on)
    reader = admin.new_key(service["id"], "reader", permissions=["read"])["key"]
    sender = admin.new_key(service["id"], "sender", permissions=["send"])["key"]
    assert error(send(on, scheme, reader, service["template_id"])) == (
        403,
        "ForbiddenError",
        NO_SEND,
    )
    assert get(on, scheme, reader).status_code == 200
    assert send(on, scheme, sender, service["template_id"]).status_code == 201
    assert error(get(on, scheme, sender)) == (403, "ForbiddenError", NO_READ)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_rate_limit_applies(on: SandboxProcess, scheme: str) -> None:
    admin, service = new_service(on, rate_limit=1)
    key = admin.new_key(service["id"], key_type="team")
    admin.post(
        f"/services/{service['id']}/team",
        {"name": "Me", "email_address": "me@example.com", "mobile_number": "07700900123"},
    )
    answers = [send(on, scheme, key["key"], service["template_id"]) for _ in range(3)]
    assert answers[0].status_code == 201, answers[0].text
    assert error(answers[-1]) == (429, "RateLimitError", RATE_LIMITED)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_unknown_and_partial_keys_are_refused(on: SandboxProcess, scheme: str) -> None:
    admin, service = new_service(on)
    key = admin.new_key(service["id"])["key"]
    other = admin.new_service()
    unknown = key[:-36] + "00000000-0000-4000-8000-000000000000"
    assert error(get(on, scheme, unknown)) == auth_error(403, KEY_NOT_FOUND)
    assert error(get(on, scheme, key[-36:])) == auth_error(403, FULL_KEY)
    wrong_service = key.replace(service["id"], other["id"])
    assert error(get(on, scheme, wrong_service)) == auth_error(403, FULL_KEY)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_an_archived_service_is_refused(on: SandboxProcess, scheme: str) -> None:
    admin, service = new_service(on)
    key = admin.new_key(service["id"])["key"]
    admin.update_service(service["id"], {"active": False})
    assert error(get(on, scheme, key)) == auth_error(403, SERVICE_ARCHIVED)
    assert error(get(on, "bearer-key", _jwt(key))) == auth_error(403, SERVICE_ARCHIVED)


def test_basic_accepts_the_key_as_a_user_name_with_an_empty_password(on: SandboxProcess) -> None:
    admin, service = new_service(on)
    key = admin.new_key(service["id"])["key"]
    response = HTTP.get(f"{on.base_url}/v2/notifications", auth=(key, ""))
    assert response.status_code == 200, response.text
    garbage = HTTP.get(f"{on.base_url}/v2/notifications", headers={"Authorization": "Basic %%%"})
    assert error(garbage) == auth_error(403, BAD_TOKEN)


def test_the_official_client_still_uses_jwt_when_bearer_keys_are_on(on: SandboxProcess) -> None:
    admin, service = new_service(on)
    key = admin.new_key(service["id"])["key"]
    api = client(on, key)
    sent = send_sms(api, service["template_id"])
    assert api.get_notification_by_id(sent["id"])["id"] == sent["id"]


def test_the_query_key_is_never_echoed_in_links(on: SandboxProcess) -> None:
    admin, service = new_service(on)
    key = admin.new_key(service["id"])["key"]
    first = send(on, "query", key, service["template_id"]).json()["id"]
    response = get(on, "query", key, template_type="sms")
    assert response.status_code == 200, response.text
    base = f"{on.base_url}/v2/notifications"
    assert response.json()["links"] == {
        "current": f"{base}?template_type=sms",
        "next": f"{base}?template_type=sms&older_than={first}",
    }
    assert key[-36:] not in response.text
    assert "api_key" not in response.text
    empty = get(on, "query", key, older_than=first)
    assert empty.json()["links"] == {"current": f"{base}?older_than={first}"}
    # nor in the links of received texts (the fixture service has two)
    received = HTTP.get(
        f"{on.base_url}/v2/received-text-messages", params={"api_key": KEYS["test"]}
    )
    assert received.status_code == 200, received.text
    links = received.json()["links"]
    assert links["current"] == f"{on.base_url}/v2/received-text-messages"
    assert links["next"].startswith(f"{on.base_url}/v2/received-text-messages?older_than=")
    assert "api_key" not in received.text

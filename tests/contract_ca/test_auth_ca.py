"""GC auth (contract 1.4): gcntfy- keys, ApiKey-v1 with its checks, GC's texts and order."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.contract_ca.support import (
    KEYS,
    LIVE,
    SMS_TEMPLATE,
    SUSPENDED,
    SUSPENDED_SMS,
    answer,
    bad_request,
    client,
    envelope,
    jwt_for,
    make_token,
    raw,
)
from tests.sandbox_process import ADMIN_TOKEN, SandboxProcess

UNKNOWN_SERVICE = "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5"
UNKNOWN_SECRET = "f0000000-0000-4000-8000-000000000000"
GC_SCHEMES = (
    "Unauthorized, Authorization header is invalid. GC Notify supports the following "
    "authentication methods. Bearer: JWT token that the client generates and passes in, "
    "Learn more: https://documentation.notification.canada.ca/en/start.html#headers., "
    "ApiKey-v1: If you cannot generate a JWT token you may optionally use the API secret "
    "generated for you by GC Notify. Learn more: "
    "https://documentation.notification.canada.ca/en/start.html#headers."
)


def auth_error(status: int, message: str) -> tuple[int, dict[str, object]]:
    return status, envelope(status, ("AuthError", message))


def get(ca_sandbox: SandboxProcess, authorization: str | None) -> requests.Response:
    return raw(ca_sandbox.base_url, "GET", "/v2/templates", authorization=authorization)


def test_the_official_client_works_with_a_gcntfy_key(ca_sandbox: SandboxProcess) -> None:
    assert KEYS["test"].startswith("gcntfy-ca-test-")
    sent = client(ca_sandbox.base_url, "test").send_sms_notification(
        "+16135550123", SMS_TEMPLATE, {"name": "Ada", "code": "1"}
    )
    assert sent["content"]["body"] == "CA Live: Hello Ada, your code is 1."


@pytest.mark.parametrize("header", [None, ""])
def test_a_missing_header_uses_the_comma_wording(
    ca_sandbox: SandboxProcess, header: str | None
) -> None:
    assert answer(get(ca_sandbox, header)) == auth_error(
        401, "Unauthorized, authentication token must be provided"
    )


@pytest.mark.parametrize("header", ["Basic abc", "Token abc", "JWT x.y.z"])
def test_an_unknown_scheme_lists_gc_methods(ca_sandbox: SandboxProcess, header: str) -> None:
    assert answer(get(ca_sandbox, header)) == auth_error(401, GC_SCHEMES)


@pytest.mark.parametrize("scheme", ["Bearer ", "bearer ", "BEARER ", "Bearer   "])
def test_bearer_is_any_case_and_the_token_is_stripped(
    ca_sandbox: SandboxProcess, scheme: str
) -> None:
    assert get(ca_sandbox, f"{scheme}{jwt_for('test')}").status_code == 200


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("abc", "Invalid token: signature, api token is not valid"),
        ("", "Invalid token: signature, api token is not valid"),
    ],
)
def test_an_undecodable_token(ca_sandbox: SandboxProcess, token: str, message: str) -> None:
    assert answer(get(ca_sandbox, f"Bearer {token}")) == auth_error(403, message)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"drop": ("iss",)}, "Invalid token: iss field not provided"),
        ({"iss": "not-a-uuid"}, "Invalid token: service id is not the right data type"),
        ({"iss": UNKNOWN_SERVICE}, "Invalid token: service not found"),
        ({"secret": UNKNOWN_SECRET, "iss": LIVE}, "Invalid token: signature, api token not found"),
        ({"iat_offset": -60}, "Error: Your system clock must be accurate to within 30 seconds"),
        ({"iat_offset": 60}, "Error: Your system clock must be accurate to within 30 seconds"),
    ],
)
def test_jwt_failures_use_gc_texts(
    ca_sandbox: SandboxProcess, kwargs: dict[str, Any], message: str
) -> None:
    kwargs = {"secret": "d1111111-1111-4111-8111-111111111111", "iss": LIVE, **kwargs}
    token = make_token(**kwargs)
    assert answer(get(ca_sandbox, f"Bearer {token}")) == auth_error(403, message)


@pytest.mark.parametrize("algorithm", ["HS512", "none"])
def test_another_algorithm_skips_the_key_instead_of_failing(
    ca_sandbox: SandboxProcess, algorithm: str
) -> None:
    token = jwt_for("test", algorithm=algorithm)
    assert answer(get(ca_sandbox, f"Bearer {token}")) == auth_error(
        403, "Invalid token: signature, api token not found"
    )


@pytest.mark.parametrize("scheme", ["ApiKey-v1 ", "apikey-v1 ", "APIKEY-V1    "])
def test_api_key_v1_takes_the_full_key(ca_sandbox: SandboxProcess, scheme: str) -> None:
    response = get(ca_sandbox, f"{scheme}{KEYS['test']}")
    assert response.status_code == 200
    assert "templates" in response.json()


def test_api_key_v1_sends(ca_sandbox: SandboxProcess) -> None:
    response = raw(
        ca_sandbox.base_url,
        "POST",
        "/v2/notifications/sms",
        authorization=f"ApiKey-v1 {KEYS['live']}",
        json={
            "phone_number": "+16135550101",
            "template_id": SMS_TEMPLATE,
            "personalisation": {"name": "A", "code": "2"},
        },
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("value", "message"),
    [
        # 1. the prefix is required
        (KEYS["test"].removeprefix("gcntfy-"), "Invalid token: Enter your full API key"),
        # 2. an unknown secret
        (KEYS["test"][:-36] + UNKNOWN_SECRET, "Invalid token: API key not found"),
        # 3. the service id must be in place, and the key long enough
        (
            KEYS["test"].replace(LIVE, UNKNOWN_SERVICE),
            "Invalid token: Enter your full API key",
        ),
        ("gcntfy-" + KEYS["test"][-36:], "Invalid token: Enter your full API key"),
    ],
)
def test_api_key_v1_checks_in_gc_order(
    ca_sandbox: SandboxProcess, value: str, message: str
) -> None:
    assert answer(get(ca_sandbox, f"ApiKey-v1 {value}")) == auth_error(403, message)


def test_a_revoked_key_is_refused_both_ways(ca_sandbox: SandboxProcess) -> None:
    keys = requests.get(
        f"{ca_sandbox.base_url}/sandbox/v1/services/{LIVE}/api-keys",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=10,
    ).json()
    listed = keys["api_keys"] if isinstance(keys, dict) else keys
    key_id = next(k["id"] for k in listed if k["name"] == "ca-to-revoke")
    revoked = requests.post(
        f"{ca_sandbox.base_url}/sandbox/v1/services/{LIVE}/api-keys/{key_id}/revoke",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=10,
    )
    assert revoked.status_code == 200
    expected = auth_error(403, "Invalid token: API key revoked")
    assert answer(get(ca_sandbox, f"ApiKey-v1 {KEYS['to-revoke']}")) == expected
    assert answer(get(ca_sandbox, f"Bearer {jwt_for('to-revoke')}")) == expected


def test_a_suspended_service_jwt_is_archived(ca_sandbox: SandboxProcess) -> None:
    token = jwt_for("suspended-live")
    assert answer(get(ca_sandbox, f"Bearer {token}")) == auth_error(
        403, "Invalid token: service is archived"
    )


def test_a_suspended_service_api_key_v1_fails_at_the_send(ca_sandbox: SandboxProcess) -> None:
    # ApiKey-v1 does not look at the service; GET works, the send says "suspended"
    assert get(ca_sandbox, f"ApiKey-v1 {KEYS['suspended-live']}").status_code == 200
    body = {"phone_number": "+16135550101", "template_id": SUSPENDED_SMS}
    response = raw(
        ca_sandbox.base_url,
        "POST",
        "/v2/notifications/sms",
        authorization=f"ApiKey-v1 {KEYS['suspended-live']}",
        json=body,
    )
    assert answer(response) == bad_request("Service is suspended", 403)
    # the schema is checked before the suspension (GC order 2 then 3)
    response = raw(
        ca_sandbox.base_url,
        "POST",
        "/v2/notifications/sms",
        authorization=f"ApiKey-v1 {KEYS['suspended-live']}",
        json={"template_id": SUSPENDED_SMS},
    )
    assert answer(response) == (
        400,
        envelope(400, ("ValidationError", "phone_number is a required property")),
    )
    assert SUSPENDED in KEYS["suspended-live"]


def test_options_skips_auth(ca_sandbox: SandboxProcess) -> None:
    response = requests.options(f"{ca_sandbox.base_url}/v2/notifications/sms", timeout=10)
    assert response.status_code == 200

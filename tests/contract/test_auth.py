"""Auth, contract 1.2, 1.3 (rows 1-13) and 13.1 a-f: status codes and exact texts."""

from __future__ import annotations

import time

import pytest
import requests
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from tests.contract.support import (
    LIVE_SERVICE,
    PLAIN_SMS_TEMPLATE,
    SECRETS,
    envelope,
    make_token,
    raw,
)
from tests.sandbox_process import SandboxProcess

KEYS_SERVICE = "71111111-1111-4111-8111-111111111111"
KEYLESS_SERVICE = "72222222-2222-4222-8222-222222222222"
ARCHIVED_SERVICE = "73333333-3333-4333-8333-333333333333"
ONLY_OLD_REVOKED_SERVICE = "74444444-4444-4444-8444-444444444444"

NO_TOKEN = "Unauthorized: authentication token must be provided"
BEARER_REQUIRED = "Unauthorized: authentication bearer scheme must be used"
BAD_TOKEN = (
    "Invalid token: make sure your API token matches the example at "
    "https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header"
)
NO_ISS = "Invalid token: iss field not provided"
ISS_NOT_UUID = "Invalid token: service id is not the right data type"
SERVICE_NOT_FOUND = "Invalid token: service not found"
NO_KEYS = "Invalid token: service has no API keys"
SERVICE_ARCHIVED = "Invalid token: service is archived"
CLOCK = "Error: Your system clock must be accurate to within 30 seconds"
BAD_ALGORITHM = "Invalid token: algorithm used is not HS256"
KEY_REVOKED = "Invalid token: API key revoked"
KEY_NOT_FOUND = "Invalid token: API key not found"

# every v2 route runs the same auth step
V2_ROUTES = [
    ("GET", "/v2/notifications"),
    ("GET", "/v2/notifications/7f2a8b1c-0000-4000-8000-000000000000"),
    ("POST", "/v2/notifications/sms"),
    ("POST", "/v2/notifications/email"),
    ("GET", f"/v2/template/{PLAIN_SMS_TEMPLATE}"),
    ("GET", f"/v2/template/{PLAIN_SMS_TEMPLATE}/version/1"),
    ("POST", f"/v2/template/{PLAIN_SMS_TEMPLATE}/preview"),
    ("GET", "/v2/templates"),
    ("GET", "/v2/received-text-messages"),
]


def assert_auth_error(response: requests.Response, status: int, message: str) -> None:
    assert (response.status_code, response.json()) == (
        status,
        envelope(status, ("AuthError", message)),
    )


# -- rows 1 and 2: the header itself ------------------------------------------------


@pytest.mark.parametrize(("method", "path"), V2_ROUTES)
def test_missing_authorization_header_is_401_on_every_v2_route(
    sandbox: SandboxProcess, method: str, path: str
) -> None:
    assert_auth_error(raw(sandbox.base_url, method, path), 401, NO_TOKEN)


def test_empty_authorization_header_is_401(sandbox: SandboxProcess) -> None:
    response = raw(sandbox.base_url, "POST", "/v2/notifications/sms", authorization="")
    assert_auth_error(response, 401, NO_TOKEN)


@pytest.mark.parametrize("header", ["Basic abc", "Token abc", "Bearer", "JWT " + "x" * 20])
def test_non_bearer_scheme_is_401(sandbox: SandboxProcess, header: str) -> None:
    response = raw(sandbox.base_url, "POST", "/v2/notifications/sms", authorization=header)
    assert_auth_error(response, 401, BEARER_REQUIRED)


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "Bearer", "bEaReR"])
def test_bearer_scheme_is_case_insensitive(sandbox: SandboxProcess, scheme: str) -> None:
    response = raw(
        sandbox.base_url, "GET", "/v2/templates", authorization=f"{scheme} {make_token()}"
    )
    assert response.status_code == 200


def test_two_spaces_after_bearer_is_api_key_not_found(sandbox: SandboxProcess) -> None:
    response = raw(
        sandbox.base_url, "GET", "/v2/templates", authorization=f"Bearer  {make_token()}"
    )
    assert_auth_error(response, 403, KEY_NOT_FOUND)


# -- rows 3 to 6: reading the token ---------------------------------------------------


@pytest.mark.parametrize("token", ["abc", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30"])
def test_undecodable_token_is_the_generic_message(sandbox: SandboxProcess, token: str) -> None:
    response = raw(sandbox.base_url, "GET", "/v2/templates", authorization=f"Bearer {token}")
    assert_auth_error(response, 403, BAD_TOKEN)


def test_no_iss_claim(sandbox: SandboxProcess) -> None:
    response = raw(sandbox.base_url, "GET", "/v2/templates", token=make_token(drop=("iss",)))
    assert_auth_error(response, 403, NO_ISS)


@pytest.mark.parametrize("iss", ["not-a-uuid", "12345", ""])
def test_iss_not_a_uuid(sandbox: SandboxProcess, iss: str) -> None:
    response = raw(sandbox.base_url, "GET", "/v2/templates", token=make_token(iss=iss))
    assert_auth_error(response, 403, ISS_NOT_UUID)


def test_unknown_service(sandbox: SandboxProcess) -> None:
    token = make_token(iss="8b3f2c1d-0000-4000-8000-000000000000")
    response = raw(sandbox.base_url, "POST", "/v2/notifications/sms", token=token)
    assert_auth_error(response, 403, SERVICE_NOT_FOUND)


# -- rows 9 to 13: the key loop ---------------------------------------------------------


def test_wrong_secret_is_api_key_not_found(sandbox: SandboxProcess) -> None:
    token = make_token(secret="99999999-9999-4999-8999-999999999999")
    response = raw(sandbox.base_url, "POST", "/v2/notifications/sms", token=token)
    assert_auth_error(response, 403, KEY_NOT_FOUND)


@pytest.mark.parametrize("offset", [-60, 60, -31 - 5, 3600])
def test_iat_outside_30_seconds_is_the_clock_message(sandbox: SandboxProcess, offset: int) -> None:
    response = raw(sandbox.base_url, "GET", "/v2/templates", token=make_token(iat_offset=offset))
    assert_auth_error(response, 403, CLOCK)


@pytest.mark.parametrize("offset", [-25, 0, 25])
def test_iat_inside_30_seconds_is_accepted(sandbox: SandboxProcess, offset: int) -> None:
    response = raw(sandbox.base_url, "GET", "/v2/templates", token=make_token(iat_offset=offset))
    assert response.status_code == 200


def test_malformed_iat_is_the_clock_message(sandbox: SandboxProcess) -> None:
    token = make_token(claims={"iat": "yesterday"})
    response = raw(sandbox.base_url, "GET", "/v2/templates", token=token)
    assert_auth_error(response, 403, CLOCK)


def test_no_iat_is_api_key_not_found(sandbox: SandboxProcess) -> None:
    response = raw(sandbox.base_url, "GET", "/v2/templates", token=make_token(drop=("iat",)))
    assert_auth_error(response, 403, KEY_NOT_FOUND)


@pytest.mark.parametrize("algorithm", ["none", "HS512", "HS384"])
def test_algorithm_other_than_hs256(sandbox: SandboxProcess, algorithm: str) -> None:
    response = raw(sandbox.base_url, "GET", "/v2/templates", token=make_token(algorithm=algorithm))
    assert_auth_error(response, 403, BAD_ALGORITHM)


def test_hs512_with_a_wrong_secret_still_names_the_algorithm(sandbox: SandboxProcess) -> None:
    # row 10 is raised on the first key tried, before any signature comparison
    token = make_token(algorithm="HS512", secret="99999999-9999-4999-8999-999999999999")
    response = raw(sandbox.base_url, "GET", "/v2/templates", token=token)
    assert_auth_error(response, 403, BAD_ALGORITHM)


def test_aud_claim_gets_the_generic_message(sandbox: SandboxProcess) -> None:
    token = make_token(claims={"aud": "notify"})
    response = raw(sandbox.base_url, "GET", "/v2/templates", token=token)
    assert_auth_error(response, 403, BAD_TOKEN)


def test_expired_exp_claim_gets_the_generic_message(sandbox: SandboxProcess) -> None:
    token = make_token(claims={"exp": int(time.time()) - 120})
    response = raw(sandbox.base_url, "GET", "/v2/templates", token=token)
    assert_auth_error(response, 403, BAD_TOKEN)


def test_token_is_reusable_inside_its_window(sandbox: SandboxProcess) -> None:
    token = make_token()
    for _ in range(3):
        assert raw(sandbox.base_url, "GET", "/v2/templates", token=token).status_code == 200


def test_every_key_of_the_service_is_tried(sandbox: SandboxProcess) -> None:
    for name in ("test", "team", "live"):
        token = make_token(secret=SECRETS[name])
        assert raw(sandbox.base_url, "GET", "/v2/templates", token=token).status_code == 200


# -- order: the earliest failing check wins -------------------------------------------


def test_order_scheme_before_token(sandbox: SandboxProcess) -> None:
    response = raw(sandbox.base_url, "GET", "/v2/templates", authorization="Basic abc.def.ghi")
    assert_auth_error(response, 401, BEARER_REQUIRED)


def test_order_missing_iss_before_algorithm(sandbox: SandboxProcess) -> None:
    token = make_token(algorithm="HS512", drop=("iss",))
    response = raw(sandbox.base_url, "GET", "/v2/templates", token=token)
    assert_auth_error(response, 403, NO_ISS)


def test_order_unknown_service_before_clock_and_algorithm(sandbox: SandboxProcess) -> None:
    token = make_token(
        iss="8b3f2c1d-0000-4000-8000-000000000000", iat_offset=-600, algorithm="HS512"
    )
    response = raw(sandbox.base_url, "GET", "/v2/templates", token=token)
    assert_auth_error(response, 403, SERVICE_NOT_FOUND)


def test_order_auth_before_routing_of_unknown_notification_type(sandbox: SandboxProcess) -> None:
    # 13.1 "also checked": POST /v2/notifications/foo without auth is a 401
    assert_auth_error(raw(sandbox.base_url, "POST", "/v2/notifications/foo"), 401, NO_TOKEN)


# -- rows 7, 8 and 12: services and keys of tests/fixtures/contract_extra.yaml ---------


def test_service_with_no_api_keys(extra_sandbox: SandboxProcess) -> None:
    token = make_token(iss=KEYLESS_SERVICE, secret="82222222-2222-4222-8222-222222222222")
    response = raw(extra_sandbox.base_url, "GET", "/v2/templates", token=token)
    assert_auth_error(response, 403, NO_KEYS)


def test_service_whose_only_key_was_revoked_over_7_days_ago_has_no_keys(
    extra_sandbox: SandboxProcess,
) -> None:
    token = make_token(iss=ONLY_OLD_REVOKED_SERVICE, secret="84444444-4444-4444-8444-444444444444")
    response = raw(extra_sandbox.base_url, "GET", "/v2/templates", token=token)
    assert_auth_error(response, 403, NO_KEYS)


def test_archived_service(extra_sandbox: SandboxProcess) -> None:
    token = make_token(iss=ARCHIVED_SERVICE, secret="83333333-3333-4333-8333-333333333333")
    response = raw(extra_sandbox.base_url, "GET", "/v2/templates", token=token)
    assert_auth_error(response, 403, SERVICE_ARCHIVED)


def test_revoked_key_within_7_days(extra_sandbox: SandboxProcess) -> None:
    token = make_token(iss=KEYS_SERVICE, secret="81111111-1111-4111-8111-111111111112")
    response = raw(extra_sandbox.base_url, "POST", "/v2/notifications/sms", token=token)
    assert_auth_error(response, 403, KEY_REVOKED)


def test_key_revoked_over_7_days_ago_is_not_found(extra_sandbox: SandboxProcess) -> None:
    token = make_token(iss=KEYS_SERVICE, secret="81111111-1111-4111-8111-111111111113")
    response = raw(extra_sandbox.base_url, "GET", "/v2/templates", token=token)
    assert_auth_error(response, 403, KEY_NOT_FOUND)


def test_the_active_key_of_a_service_with_revoked_keys_still_works(
    extra_sandbox: SandboxProcess,
) -> None:
    key = f"auth-active-{KEYS_SERVICE}-81111111-1111-4111-8111-111111111111"
    client = NotificationsAPIClient(key, base_url=extra_sandbox.base_url)
    assert client.get_all_templates() == {"templates": []}


def test_revoked_state_survives_a_restart_with_the_same_fixtures(
    extra_sandbox: SandboxProcess,
) -> None:
    # the fixture reload must not un-revoke a key
    extra_sandbox.stop()
    extra_sandbox.start()
    token = make_token(iss=KEYS_SERVICE, secret="81111111-1111-4111-8111-111111111112")
    response = raw(extra_sandbox.base_url, "GET", "/v2/templates", token=token)
    assert_auth_error(response, 403, KEY_REVOKED)


def test_official_client_sees_the_auth_error_text(sandbox: SandboxProcess) -> None:
    key = f"contract-test-{LIVE_SERVICE}-99999999-9999-4999-8999-999999999999"
    client = NotificationsAPIClient(key, base_url=sandbox.base_url)
    with pytest.raises(HTTPError) as caught:
        client.get_all_templates()
    assert caught.value.status_code == 403
    assert caught.value.message == [{"error": "AuthError", "message": KEY_NOT_FOUND}]

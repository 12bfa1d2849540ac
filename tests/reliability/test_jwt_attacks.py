"""The JWT attack table: every trick gets Notify's status and text, in the envelope, and none
is accepted or answered with a 5xx. Sent over raw sockets, so even the bytes can be hostile.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests

from simulator.domain.messages import Messages
from tests.conftest import KEYS, LIVE_SERVICE, TRIAL_SERVICE
from tests.reliability.support import ADMIN, raw_request, service_path
from tests.sandbox_process import SandboxProcess

TEXTS = Messages()
TEAM_SECRET = KEYS["team"][-36:]
_HS256_HEADER = base64.urlsafe_b64encode(b'{"alg":"HS256"}').rstrip(b"=").decode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict[str, Any], claims: dict[str, Any], signature: str = "") -> str:
    head = _b64(json.dumps(header).encode())
    body = _b64(json.dumps(claims).encode())
    return f"{head}.{body}.{signature}"


def _claims(**changes: Any) -> dict[str, Any]:
    return {"iss": LIVE_SERVICE, "iat": int(time.time()), **changes}


def _signed(claims: dict[str, Any], secret: str = TEAM_SECRET, alg: str = "HS256") -> str:
    """Signed by hand, so claims PyJWT would refuse to write (a numeric iss) can be sent."""
    digest = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}[alg]
    signing_input = _unsigned({"alg": alg, "typ": "JWT"}, claims).rstrip(".")
    signature = hmac.new(secret.encode(), signing_input.encode(), digest).digest()
    return f"{signing_input}.{_b64(signature)}"


# (name, the Authorization header (built when the test runs, so iat is fresh), status,
# exact message or None for "any refusal in the envelope")
ATTACKS: list[tuple[str, Callable[[], bytes | None], int, str | None]] = [
    ("no header", lambda: None, 401, TEXTS.no_token),
    ("basic scheme", lambda: b"Basic dXNlcjpwYXNz", 401, TEXTS.bearer_required),
    ("empty bearer", lambda: b"Bearer ", 401, TEXTS.bearer_required),
    ("garbage token", lambda: b"Bearer not-a-jwt", 403, TEXTS.bad_token),
    ("three garbage parts", lambda: b"Bearer aaa.bbb.ccc", 403, TEXTS.bad_token),
    (
        "alg none",
        lambda: f"Bearer {_unsigned({'alg': 'none', 'typ': 'JWT'}, _claims())}".encode(),
        403,
        TEXTS.bad_algorithm,
    ),
    (
        "alg None capitalised",
        lambda: f"Bearer {_unsigned({'alg': 'None'}, _claims())}".encode(),
        403,
        TEXTS.bad_algorithm,
    ),
    (
        "alg HS512",
        lambda: f"Bearer {_signed(_claims(), alg='HS512')}".encode(),
        403,
        TEXTS.bad_algorithm,
    ),
    (
        "alg RS256 claimed",
        lambda: f"Bearer {_unsigned({'alg': 'RS256'}, _claims(), 'c2ln')}".encode(),
        403,
        TEXTS.bad_algorithm,
    ),
    (
        "no alg",
        lambda: f"Bearer {_unsigned({'typ': 'JWT'}, _claims(), 'c2ln')}".encode(),
        403,
        None,
    ),
    (
        "wrong signature",
        lambda: f"Bearer {_signed(_claims(), secret=str(uuid.uuid4()))}".encode(),
        403,
        None,
    ),
    (
        "signature stripped",
        lambda: f"Bearer {_signed(_claims()).rsplit('.', 1)[0]}.".encode(),
        403,
        None,
    ),
    (
        "iat 31 s old",
        lambda: f"Bearer {_signed(_claims(iat=int(time.time()) - 31))}".encode(),
        403,
        TEXTS.clock_skew,
    ),
    (
        "iat 31 s ahead",
        lambda: f"Bearer {_signed(_claims(iat=int(time.time()) + 31))}".encode(),
        403,
        TEXTS.clock_skew,
    ),
    ("iat a string", lambda: f"Bearer {_signed(_claims(iat='now'))}".encode(), 403, None),
    ("iat huge", lambda: f"Bearer {_signed(_claims(iat=10**30))}".encode(), 403, None),
    ("no iat", lambda: f"Bearer {_signed({'iss': LIVE_SERVICE})}".encode(), 403, None),
    ("no iss", lambda: f"Bearer {_signed({'iat': int(time.time())})}".encode(), 403, TEXTS.no_iss),
    (
        "iss not a uuid",
        lambda: f"Bearer {_signed(_claims(iss='x'))}".encode(),
        403,
        TEXTS.iss_not_uuid,
    ),
    ("iss a number", lambda: f"Bearer {_signed(_claims(iss=12345))}".encode(), 403, None),
    (
        "foreign iss",
        lambda: f"Bearer {_signed(_claims(iss=str(uuid.uuid4())))}".encode(),
        403,
        TEXTS.service_not_found,
    ),
    (
        "other service's iss, this key",
        lambda: f"Bearer {_signed(_claims(iss=TRIAL_SERVICE))}".encode(),
        403,
        None,
    ),
    (
        "payload not JSON",
        lambda: f"Bearer {_HS256_HEADER}.{_b64(b'not json')}.c2ln".encode(),
        403,
        None,
    ),
    ("header not JSON", lambda: f"Bearer {_b64(b'nope')}.{_b64(b'{}')}.c2ln".encode(), 403, None),
    ("non-UTF-8 bytes", lambda: b"Bearer \xe9\xe9", 403, None),
    (
        "lone surrogate escape",
        lambda: f"Bearer {_signed(_claims(iss=chr(0xD800)))}".encode(),
        403,
        None,
    ),
    ("huge header", lambda: b"Bearer " + b"a" * 100_000, 400, None),
    ("NUL in the token", lambda: f"Bearer {_signed(_claims())}\x00".encode(), 400, None),
    ("newline injection", lambda: f"Bearer {_signed(_claims())}\nX-Admin: 1".encode(), 400, None),
]


def _check(sandbox: SandboxProcess, header: bytes | None, status: int, text: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = raw_request(sandbox, "GET", "/v2/notifications", headers=headers)
    assert response.status == status, response
    body = response.json()
    assert body["status_code"] == status
    if text is not None:
        assert body["errors"][0]["message"] == text, body


@pytest.mark.parametrize(
    ("make_header", "status", "text"),
    [attack[1:] for attack in ATTACKS],
    ids=[attack[0] for attack in ATTACKS],
)
def test_an_attack_is_refused_with_notifys_answer(
    sandbox: SandboxProcess,
    make_header: Callable[[], bytes | None],
    status: int,
    text: str | None,
) -> None:
    _check(sandbox, make_header(), status, text)
    # and a real token still works afterwards
    good = f"Bearer {_signed(_claims())}".encode()
    assert (
        raw_request(sandbox, "GET", "/v2/notifications", headers={"Authorization": good}).status
        == 200
    )


def _new_key(sandbox: SandboxProcess, **fields: Any) -> tuple[str, str]:
    created = requests.post(
        sandbox.base_url + service_path("/api-keys"),
        json={"name": f"attack-{uuid.uuid4().hex[:6]}", "key_type": "team", **fields},
        headers=ADMIN,
        timeout=5,
    ).json()["data"]
    return created["id"], created["key"][-36:]


def test_a_revoked_key_is_refused(sandbox: SandboxProcess) -> None:
    key_id, secret = _new_key(sandbox)
    revoked = requests.post(
        sandbox.base_url + service_path(f"/api-keys/{key_id}/revoke"), headers=ADMIN, timeout=5
    )
    assert revoked.status_code == 200, revoked.text
    _check(sandbox, f"Bearer {_signed(_claims(), secret)}".encode(), 403, TEXTS.key_revoked)


def test_an_expired_key_is_refused(sandbox: SandboxProcess) -> None:
    soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
    _key_id, secret = _new_key(sandbox, expires_at=soon)
    moved = requests.post(
        sandbox.base_url + "/sandbox/v1/clock",
        json={"advance_seconds": 7200},
        headers=ADMIN,
        timeout=5,
    )
    assert moved.status_code == 200
    try:
        _check(sandbox, f"Bearer {_signed(_claims(), secret)}".encode(), 403, TEXTS.key_expired)
    finally:
        requests.post(
            sandbox.base_url + "/sandbox/v1/clock", json={"reset": True}, headers=ADMIN, timeout=5
        )

"""The one-HMAC-per-key pre-check agrees with PyJWT on every token it does not hand back."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid

import jwt
import pytest
from jwt.utils import base64url_encode

from simulator.gateway.jwt_match import SignedToken

_PEM = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----"


def _token(secret: str, **headers: object) -> str:
    claims = {"iss": str(uuid.uuid4()), "iat": int(time.time())}
    return jwt.encode(claims, secret, algorithm="HS256", headers=headers or None)


def _raw_token(header: dict[str, object], secret: str) -> str:
    """A token with a header PyJWT would not write itself."""
    head = base64url_encode(json.dumps(header).encode()).decode()
    body = base64url_encode(b'{"iss":"x"}').decode()
    mac = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{base64url_encode(mac).decode()}"


def _pyjwt_accepts(token: str, secret: str) -> bool:
    try:
        jwt.decode(token, secret, algorithms=["HS256"], options={"verify_iat": False})
    except jwt.InvalidSignatureError:
        return False
    return True


def test_the_signing_key_matches_and_every_other_key_is_passed_over() -> None:
    secrets = [str(uuid.uuid4()) for _ in range(20)]
    for signer in secrets[:5]:
        signed = SignedToken.parse(_token(signer, typ="JWT"))
        assert signed is not None
        for secret in secrets:
            assert signed.may_have_signed(secret) is (secret == signer)
            assert _pyjwt_accepts(_token(signer, typ="JWT"), secret) is (secret == signer)


@pytest.mark.parametrize(
    "token",
    [
        jwt.encode({"iss": "x"}, "s" * 32, algorithm="HS512"),  # another algorithm
        # PyJWT refuses a non-string kid before any signature; it acts on crit and b64
        _raw_token({"alg": "HS256", "kid": 7}, "s" * 32),
        _raw_token({"alg": "HS256", "crit": ["b64"], "b64": False}, "s" * 32),
        "Bearer x.y.z",
        "a.b",
        "a.b.c.d",
        "e30.e30.x",  # a one-character tail cannot be base64url
        _token("s" * 32) + " ",
    ],
)
def test_unusual_tokens_are_left_to_pyjwt(token: str) -> None:
    assert SignedToken.parse(token) is None


def test_a_secret_pyjwt_refuses_is_left_to_pyjwt() -> None:
    signed = SignedToken.parse(_token("s" * 32))
    assert signed is not None
    assert signed.may_have_signed(_PEM) is True


_NOW = int(time.time())
CLAIMS: list[dict[str, object]] = [
    {"iss": "x", "iat": _NOW},
    {"iss": "x", "iat": _NOW, "jti": "t1"},
    {"iss": "x", "iat": _NOW - 29, "sub": "s"},
    {"iss": "x", "iat": _NOW + 10},
    {"iss": "x", "iat": _NOW + 3600},  # from the future: PyJWT's ImmatureSignatureError
    {"iss": "x", "iat": _NOW - 3600},
    {"iss": 7, "iat": _NOW},
    {"iss": "x", "iat": True},
    {"iss": "x", "iat": 1.5},
    {"iss": "x", "iat": "1"},
    {"iss": "x"},
    {"iat": _NOW},
    {"iss": "x", "iat": _NOW, "jti": 5},
    {"iss": "x", "iat": _NOW, "sub": 5},
    {"iss": "x", "iat": _NOW, "exp": _NOW - 100},
    {"iss": "x", "iat": _NOW, "nbf": _NOW + 100},
    {"iss": "x", "iat": _NOW, "aud": "a"},
]


@pytest.mark.parametrize("claims", CLAIMS)
@pytest.mark.parametrize("secret", [str(uuid.uuid4()), "short-secret"])
def test_plain_claims_are_what_both_pyjwt_decodes_would_say(
    claims: dict[str, object], secret: str
) -> None:
    head = base64url_encode(b'{"alg":"HS256","typ":"JWT"}').decode()
    body = base64url_encode(json.dumps(claims).encode()).decode()
    mac = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    token = f"{head}.{body}.{base64url_encode(mac).decode()}"
    signed = SignedToken.parse(token)
    assert signed is not None
    unverified = jwt.decode(token, options={"verify_signature": False}, algorithms=["HS256"])
    assert signed.claims == unverified
    plain = signed.plain_claims()
    if plain is None or not signed.signed_with(secret):
        return
    # the sandbox skips PyJWT here: it may only succeed, or refuse an iat from the future
    assert len(secret) >= 32
    iat = plain["iat"]
    assert isinstance(iat, int)
    try:
        verified = jwt.decode(token, key=secret, algorithms=["HS256"], leeway=30)
    except jwt.ImmatureSignatureError:
        assert iat > time.time() + 30
    else:
        assert verified == plain


def test_a_key_that_did_not_sign_is_not_taken_for_the_signer() -> None:
    signed = SignedToken.parse(_token(str(uuid.uuid4())))
    assert signed is not None
    assert not signed.signed_with(str(uuid.uuid4()))
    assert not signed.signed_with(_PEM)

"""The log's last step masks credentials that a library message might quote."""

from __future__ import annotations

import pytest

from simulator.log_redaction import redact_secrets, redact_text

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJlLWJ5dGVz"
KEY = "team-11111111-1111-4111-8111-111111111111-41111111-1111-4111-8111-111111111112"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"Authorization: Bearer {JWT}\\x00", JWT),
        (f"token={JWT}", JWT),
        (f"key {KEY} shown", "41111111-1111-4111-8111-111111111112"),
        ("Authorization: Bearer an-admin-token-0123456789", "an-admin-token-0123456789"),
        ("Authorization: ApiKey-v1 gcntfy-key-abcdefghijklmnop", "gcntfy-key-abcdefghijklmnop"),
        # whitespace other than a space: the cheap pre-checks must still see the bearer word
        ("Authorization:\tBearer\tan-admin-token-0123456789", "an-admin-token-0123456789"),
        ("Authorization: Bearer\xa0an-admin-token-0123456789", "an-admin-token-0123456789"),
        (f"{KEY.upper()}", "41111111-1111-4111-8111-111111111112".upper()),
    ],
)
def test_credentials_are_masked(text: str, secret: str) -> None:
    assert secret not in redact_text(text)
    assert "[redacted]" in redact_text(text)


def test_every_string_value_of_an_event_is_masked() -> None:
    event = {"event": "x", "exception": f"Traceback ... {JWT}", "count": 3}
    assert JWT not in str(redact_secrets(None, "info", event))
    assert event["count"] == 3


def test_ordinary_text_is_left_alone() -> None:
    text = "notification 11111111-1111-4111-8111-111111111111 delivered"
    assert redact_text(text) == text

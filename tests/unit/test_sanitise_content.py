"""sanitise_content_for, as alphagov/notifications-api post_notifications.py does it."""

from __future__ import annotations

import pytest

from simulator.domain.sanitise_content import sanitise_item, sanitise_personalisation


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Amala", "Amala"),
        ("User, [click here](https://evil.link)", "User, \\[click here\\]\\(\\)"),
        (
            "3f1c2a9e-0b7d-4c1e-9a52-6d8e0f4b7a13",
            "3f1c2a9e\\-0b7d\\-4c1e\\-9a52\\-6d8e0f4b7a13",
        ),
        ("see https://evil.example/login now", "see  now"),
        ("see www.evil.example", "see www\\. evil\\. example"),
        ("go to evil.example/path", "go to "),
        ("bare evil.co.uk here", "bare evil\\. co\\. uk here"),
        ("amala@example.com", "amala@example\\.com"),
        ("*bold* # ^ _u_ <b> {x} a+b! |", "\\*bold\\* \\# ^ \\_u\\_ \\<b\\> \\{x\\} a\\+b\\! \\|"),
        ("back\\slash `code`", "back\\\\slash \\`code\\`"),
    ],
)
def test_sanitise_item(value: str, expected: str) -> None:
    assert expected == sanitise_item(value)


def test_keys_match_as_notify_insensitive_set_and_changes_are_reported() -> None:
    result = sanitise_personalisation(
        {"First Name": "a.bc", "link": "x.y", "same": "plain", "count": 3},
        ["first_name", "SAME", "count"],
    )
    assert result.values == {"First Name": "a\\. bc", "link": "x.y", "same": "plain", "count": 3}
    assert result.changes == {"First Name": {"unsanitised": "a.bc", "sanitised": "a\\. bc"}}


def test_nothing_named_nothing_changed() -> None:
    result = sanitise_personalisation({"name": "[x](y)"}, None)
    assert result.values == {"name": "[x](y)"}
    assert result.changes == {}

"""SANDBOX_EMAIL_DOMAIN must make valid From addresses (checked with email-validator)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from simulator.config import Config, ConfigError


@pytest.mark.parametrize(
    "domain", ["notifications.service.gov.uk", "example.com", "xn--bcher-kva.de"]
)
def test_a_real_domain_is_accepted(domain: str) -> None:
    replace(Config(), email_domain=domain).validate()


@pytest.mark.parametrize(
    ("domain", "why"),
    [
        ("bad domain", "invalid characters"),
        ("localhost", "should have a period"),
        ("example..com", "period"),
    ],
)
def test_a_domain_no_address_could_have_is_refused(domain: str, why: str) -> None:
    with pytest.raises(ConfigError, match=f"email_domain '{domain}'.*{why}"):
        replace(Config(), email_domain=domain).validate()

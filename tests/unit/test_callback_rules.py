"""The callback rules that must hold without sending anything: the SSRF address check
(an integration test must never aim at a metadata address to find out) and the schedule."""

from __future__ import annotations

import pytest

from simulator.domain.callbacks import is_forbidden_address, retry_delay


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",  # cloud metadata
        "169.254.1.1",  # link-local
        "100.100.100.200",  # Alibaba's metadata
        "fd00:ec2::254",  # AWS's IPv6 metadata
        "fe80::1",
        "::ffff:169.254.169.254",  # the same address, IPv4-mapped
        "::ffff:a9fe:a9fe",
        "64:ff9b::a9fe:a9fe",  # through NAT64
        "2002:a9fe:a9fe::1",  # 6to4
        "0.0.0.0",
        "::",
        "224.0.0.1",
        "not an address",
    ],
)
def test_forbidden_addresses(address: str) -> None:
    assert is_forbidden_address(address)


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "::1", "::ffff:127.0.0.1", "10.0.0.1", "192.0.2.10", "2001:db8::1"]
)
def test_allowed_addresses(address: str) -> None:
    assert not is_forbidden_address(address)


def test_the_retry_schedule_then_giving_up() -> None:
    schedule = (5.0, 15.0)

    assert [retry_delay(schedule, attempts) for attempts in (1, 2, 3)] == [5.0, 15.0, None]
    assert retry_delay((), 1) is None

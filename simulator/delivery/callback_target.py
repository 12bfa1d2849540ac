"""Where a callback goes: the name resolved once, every address checked, the checked one used.

Resolving for the check and again for the connection would let DNS rebinding through (the
second answer could be 169.254.169.254). So the request is sent to the address that was
checked, with the name kept in the Host header and, for https, as the TLS server name, so
the certificate is still verified against the hostname.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from simulator.domain.callbacks import AddressGuard

__all__ = [
    "PinnedTarget",
    "Resolver",
    "TargetRefused",
    "TargetUnresolved",
    "pin_target",
    "system_resolver",
]

# (host, port) -> the addresses the name has now
Resolver = Callable[[str, int], Awaitable[list[str]]]


class TargetRefused(Exception):
    """The URL cannot be called (malformed) or resolves to an address the guard refuses."""


class TargetUnresolved(Exception):
    """The name does not resolve now: worth a retry."""


@dataclass(frozen=True, slots=True)
class PinnedTarget:
    url: str  # the URL with the checked address in place of the name
    host_header: str
    sni_hostname: str | None  # https only: the name TLS verifies the certificate against


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


async def pin_target(url: str, guard: AddressGuard, resolver: Resolver) -> PinnedTarget:
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:  # stored before URLs were checked when set
        raise TargetRefused(f"refused: {url} is not a valid url") from error
    host = parts.hostname
    if not host or parts.scheme not in {"http", "https"}:
        raise TargetRefused(f"refused: {url} is not a valid url")
    try:
        addresses = await resolver(host, port)
    except OSError as error:
        raise TargetUnresolved(f"cannot resolve {host}") from error
    if not addresses:
        raise TargetUnresolved(f"cannot resolve {host}")
    if any(guard.refuses(address) for address in addresses):
        raise TargetRefused(
            "refused: the callback URL resolves to a loopback, private, link-local "
            "or metadata address"
        )
    address = addresses[0]
    shown = f"[{address}]" if ":" in address else address
    netloc = f"{shown}:{port}"
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    host_header = parts.netloc.rpartition("@")[2]  # never forward credentials in a URL
    return PinnedTarget(pinned, host_header, host if parts.scheme == "https" else None)

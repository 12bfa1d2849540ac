"""Callbacks to the service: settings, payloads (contract 8), and the retry schedule."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from simulator.domain.errors import BadRequestError
from simulator.domain.models import FINAL_STATUSES, Notification, ReceivedText, Status
from simulator.domain.time_text import notify_time

__all__ = [
    "CALLBACK_KINDS",
    "AddressGuard",
    "CallbackRecord",
    "CallbackSettings",
    "check_callback_settings",
    "delivery_status_payload",
    "gc_delivery_status_payload",
    "inbound_sms_payload",
    "is_forbidden_address",
    "is_internal_address",
    "retry_delay",
    "triggers_delivery_callback",
]

CALLBACK_KINDS = ("delivery_status", "inbound_sms")
_METADATA = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("fd00:ec2::254"),
    ipaddress.ip_address("100.100.100.200"),
}


@dataclass(frozen=True, slots=True)
class CallbackSettings:
    url: str
    bearer_token: str


@dataclass(frozen=True, slots=True)
class CallbackRecord:
    id: str
    service_id: str
    kind: str
    subject_id: str  # the notification or received text it is about
    payload: dict[str, Any]
    created_at: datetime


def check_callback_settings(
    url: Any, token: Any, *, allow_http: bool, guard: AddressGuard | None = None
) -> CallbackSettings:
    """Notify's admin rules (an https URL, a bearer token of at least 10 characters), and
    the sandbox's: a URL that can be called at all, not aimed at an address the guard refuses.

    A name is resolved only when a callback is sent (it could change meanwhile); an address
    written in the URL, or localhost, is refused here.
    """
    if not isinstance(url, str) or not url:
        raise BadRequestError("url is a required property")
    _callable_url(url, allow_http=allow_http, guard=guard or AddressGuard())
    if not isinstance(token, str) or len(token) < 10:
        raise BadRequestError("bearer_token must be at least 10 characters")
    return CallbackSettings(url=url, bearer_token=token)


def _callable_url(url: str, *, allow_http: bool, guard: AddressGuard) -> None:
    invalid = BadRequestError(f"url {url} is not a valid https url")
    allowed = ("https", "http") if allow_http else ("https",)
    try:
        parts = urlsplit(url)
        port = parts.port  # a port that is not a number from 0 to 65535 raises here
    except ValueError as error:
        raise invalid from error
    if parts.scheme not in allowed or not parts.hostname or port == 0:
        raise invalid
    host = parts.hostname
    literal = "127.0.0.1" if host == "localhost" or host.endswith(".localhost") else host
    if _is_address(literal) and guard.refuses(literal):
        raise BadRequestError(
            f"url {url} is not allowed: it is a loopback, private, link-local or metadata "
            "address (see SANDBOX_CALLBACKS_ALLOW_ADDRESSES)"
        )


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class AddressGuard:
    """Which addresses a callback may reach: public ones, plus those the settings allow.

    `allow_all` is SANDBOX_CALLBACKS_ALLOW_PRIVATE (the guard off); `allowed` holds the
    networks of SANDBOX_CALLBACKS_ALLOW_ADDRESSES, such as 127.0.0.1 for local receivers.
    """

    allow_all: bool = False
    allowed: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def from_settings(cls, allow_all: bool, addresses: Sequence[str]) -> AddressGuard:
        return cls(allow_all, tuple(ipaddress.ip_network(a, strict=False) for a in addresses))

    def refuses(self, address: str) -> bool:
        if self.allow_all:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return True
        if any(ip in network for network in self.allowed if network.version == ip.version):
            return False
        return is_forbidden_address(address) or is_internal_address(address)


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, NAT64, 6to4), which is where it goes."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def is_forbidden_address(address: str) -> bool:
    """Link-local and cloud metadata addresses: the classic SSRF targets.

    `::ffff:169.254.169.254` reaches 169.254.169.254 but is not link-local to Python's
    `ipaddress` (before 3.13), so an IPv4 address inside an IPv6 one is checked too.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return True
    candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            candidates.append(inner)
    return any(
        c.is_link_local or c in _METADATA or c.is_multicast or c.is_unspecified for c in candidates
    )


def is_internal_address(address: str) -> bool:
    """Loopback, private and other non-global addresses: this machine or its network."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return True
    candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            candidates.append(inner)
    return any(c.is_loopback or c.is_private or not c.is_global for c in candidates)


def _time(moment: datetime | None) -> str | None:
    return notify_time(moment) if moment else None


def triggers_delivery_callback(status: Status) -> bool:
    return status in FINAL_STATUSES


def delivery_status_payload(
    n: Notification, status: Status, completed_at: datetime, sent_at: datetime | None
) -> dict[str, Any]:
    return {
        "id": n.id,
        "reference": n.reference,
        "to": n.to,
        "status": status.value,
        "created_at": _time(n.created_at),
        "completed_at": _time(completed_at),
        "sent_at": _time(sent_at),
        "notification_type": n.type.value,
        "template_id": n.template_id,
        "template_version": n.template_version,
    }


def gc_delivery_status_payload(
    n: Notification,
    status: Status,
    completed_at: datetime,
    sent_at: datetime | None,
    *,
    status_description: str,
    provider_response: str | None,
) -> dict[str, Any]:
    """GC's shape (contract 8.3): no template fields, GC's two status texts instead."""
    payload = delivery_status_payload(n, status, completed_at, sent_at)
    del payload["template_id"], payload["template_version"]
    payload["status_description"] = status_description
    payload["provider_response"] = provider_response
    return payload


def inbound_sms_payload(text: ReceivedText) -> dict[str, Any]:
    return {
        "id": text.id,
        "source_number": text.user_number,
        "destination_number": text.notify_number,
        "message": text.content,
        "date_received": _time(text.created_at),
    }


def retry_delay(schedule: Sequence[float], attempts_made: int) -> float | None:
    """Seconds before the next try, or None when the schedule is used up."""
    if attempts_made > len(schedule):
        return None
    return schedule[attempts_made - 1]

"""Fault injection rules (issue 7): match a send, then fail it on purpose.

Small and bounded, in the spirit of Mailpit's chaos triggers: each rule has a
match, one effect, a probability, and optionally a count after which it expires.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import re2

from simulator.domain.errors import BadRequestError
from simulator.domain.models import Status

__all__ = ["EFFECTS", "RULE_FIELDS", "FaultBook", "FaultRule", "parse_fault_rule"]

EFFECTS = ("http_error", "latency", "provider_error", "status")
_HTTP_STATUSES = (429, 500, 503)
_FORCED = (Status.TECHNICAL_FAILURE, Status.TEMPORARY_FAILURE, Status.PENDING)
_MAX_LATENCY_MS = 30_000
# RE2 matches in time linear in the address, so no pattern can stall the event loop
# (Python's re backtracks: "(a+)+$" took seconds on a 24-character address)
_LINEAR = re2.Options()
_LINEAR.log_errors = False  # a bad pattern is the caller's 400, not a line on stderr


@dataclass(slots=True)
class FaultRule:
    id: str
    effect: str
    service_id: str | None = None
    channel: str | None = None
    recipient: Any = None  # an re2 pattern: linear time, whatever the address
    http_status: int | None = None
    latency_ms: int | None = None
    status: Status | None = None
    probability: float = 1.0
    remaining: int | None = None
    fired: int = 0

    def matches(self, service_id: str, channel: str, recipients: Sequence[str]) -> bool:
        """`recipients`: the address as sent and its normalised forms; any may match."""
        return (
            (self.service_id is None or self.service_id == service_id)
            and (self.channel is None or self.channel == channel)
            and (
                self.recipient is None
                or any(self.recipient.search(r) is not None for r in recipients)
            )
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "effect": self.effect,
            "service_id": self.service_id,
            "channel": self.channel,
            "recipient": self.recipient.pattern if self.recipient else None,
            "http_status": self.http_status,
            "latency_ms": self.latency_ms,
            "status": self.status.value if self.status else None,
            "probability": self.probability,
            "remaining": self.remaining,
            "fired": self.fired,
        }


def _shown(bound: float) -> str:
    # whole bounds in full ("1000000000", not "1e+09")
    return str(int(bound)) if float(bound).is_integer() else f"{bound:g}"


def _number(data: Mapping[str, Any], name: str, low: float, high: float) -> Any:
    value = data.get(name)
    if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
        raise BadRequestError(f"{name} must be a number from {_shown(low)} to {_shown(high)}")
    return value


# every field a fault rule may have (admin API and fixture files)
RULE_FIELDS = frozenset(
    {"id", "effect", "service_id", "channel", "recipient", "http_status", "latency_ms"}
    | {"status", "probability", "count"}
)


def parse_fault_rule(data: Mapping[str, Any]) -> FaultRule:
    effect = data.get("effect")
    if effect not in EFFECTS:
        raise BadRequestError(f"effect must be one of [{', '.join(EFFECTS)}]")
    rule = FaultRule(id=str(data.get("id") or uuid.uuid4()), effect=str(effect))
    rule.service_id = data.get("service_id")
    channel = data.get("channel")
    if channel not in (None, "sms", "email"):
        raise BadRequestError("channel must be one of [sms, email]")
    rule.channel = channel
    if data.get("recipient") is not None:
        try:
            rule.recipient = re2.compile(str(data["recipient"]), options=_LINEAR)
        except re2.error as error:
            reason = error.args[0] if error.args else b""
            text = reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)
            raise BadRequestError(f"recipient is not a valid regular expression: {text}") from error
    if effect == "http_error":
        if data.get("http_status") not in _HTTP_STATUSES:
            raise BadRequestError("http_status must be one of [429, 500, 503]")
        rule.http_status = int(data["http_status"])
    if effect == "latency":
        rule.latency_ms = int(_number(data, "latency_ms", 0, _MAX_LATENCY_MS))
    if effect == "status":
        try:
            rule.status = Status(str(data.get("status")))
        except ValueError:
            rule.status = None
        if rule.status not in _FORCED:
            raise BadRequestError(
                "status must be one of [technical-failure, temporary-failure, pending]"
            )
    if data.get("probability") is not None:
        rule.probability = float(_number(data, "probability", 0, 1))
    if data.get("count") is not None:
        rule.remaining = int(_number(data, "count", 1, 10**9))
    return rule


@dataclass(slots=True)
class FaultBook:
    """The rules in force; runtime state kept per app, never in module globals."""

    random: Callable[[], float]
    rules: dict[str, FaultRule] = field(default_factory=dict)

    def add(self, rule: FaultRule) -> FaultRule:
        self.rules[rule.id] = rule
        return rule

    def remove(self, rule_id: str) -> bool:
        return self.rules.pop(rule_id, None) is not None

    def clear(self) -> None:
        self.rules.clear()

    def fire(
        self,
        service_id: str,
        channel: str,
        recipients: Sequence[str],
        effects: Container[str] = EFFECTS,
    ) -> list[FaultRule]:
        """The rules of these effects that fire for this send; counted rules expire when
        used up."""
        fired = []
        for rule in list(self.rules.values()):
            if rule.effect not in effects or not rule.matches(service_id, channel, recipients):
                continue
            if rule.probability < 1.0 and self.random() >= rule.probability:
                continue
            rule.fired += 1
            if rule.remaining is not None:
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self.rules.pop(rule.id, None)
            fired.append(rule)
        return fired

"""Loading fixture files (YAML or JSON): services, keys, templates, team, guest list.

Loading is idempotent: ids are taken from the file, or derived from stable
fields, so loading the same file twice changes nothing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources.abc import Traversable
from typing import Any

import yaml

from simulator.domain.clock import SandboxClock
from simulator.domain.keys import check_permissions
from simulator.domain.models import (
    ApiKey,
    EmailReplyTo,
    KeyType,
    NotificationType,
    ReceivedText,
    Service,
    SmsSender,
    Status,
    TeamMember,
    Template,
)
from simulator.domain.recipients import normalise_phone_for_matching
from simulator.domain.simulation import MagicOutcome, SimulationRules

__all__ = [
    "FixtureError",
    "LoadedFixtures",
    "ServiceDefaults",
    "load_rules",
    "read_fixtures",
]

_ID_NAMESPACE = uuid.UUID("6f1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d")


class FixtureError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class ServiceDefaults:
    """What a fixture service gets when the file does not say (the profile's defaults)."""

    rate_limit: int = 3000
    prefix_sms: bool = False


@dataclass(slots=True)
class LoadedFixtures:
    services: list[Service] = field(default_factory=list)
    keys: list[ApiKey] = field(default_factory=list)
    templates: list[Template] = field(default_factory=list)
    received_texts: list[ReceivedText] = field(default_factory=list)
    faults: list[dict[str, Any]] = field(default_factory=list)
    # service id -> the Service fields the file states, with the values as written
    stated: dict[str, dict[str, Any]] = field(default_factory=dict)


_SERVICE_FIELDS = frozenset(
    {
        "name",
        "restricted",
        "active",
        "email_sender_local_part",
        "rate_limit",
        "permissions",
        "prefix_sms",
        "sms_senders",
        "email_reply_to",
        "team",
        "guest_list",
        "limits",
        "data_retention_days",
        "callbacks",
        "contact_link",
    }
)


def _read(path: Traversable) -> Any:
    """A fixture file: a user's Path, or package data read with importlib.resources."""
    try:
        text = path.read_text("utf-8")
    except OSError as error:
        raise FixtureError(f"cannot read fixture file {path}: {error}") from error
    try:
        return json.loads(text) if path.name.endswith(".json") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        raise FixtureError(f"{path} is not valid YAML or JSON: {error}") from error


def load_rules(
    path: Traversable, normalise_phone: Callable[[str], str | None] | None = None
) -> SimulationRules:
    """The magic recipients; smoke-test numbers are normalised as the profile matches them."""
    data = _read(path) or {}
    outcomes = data.get("outcomes", {})
    smoke = data.get("smoke_test", {})
    if normalise_phone is None:
        normalise_phone = normalise_phone_for_matching
    extras = data.get("extras", {})
    sms = [
        (str(item["suffix"]), _outcome(item))
        for item in (*outcomes.get("sms", ()), *extras.get("sms", ()))
    ]
    emails = {
        address: _outcome(value if isinstance(value, Mapping) else {"status": value})
        for address, value in {**outcomes.get("email", {}), **extras.get("email", {})}.items()
    }
    smoke_sms = [normalise_phone(str(n)) or str(n) for n in smoke.get("sms", ())]
    letters = {
        str(line): _outcome(value if isinstance(value, Mapping) else {"status": value})
        for line, value in extras.get("letter", {}).items()
    }
    return SimulationRules.build(
        sms=sms,
        emails=emails,
        smoke_sms=smoke_sms,
        smoke_emails=smoke.get("email", ()),
        letters=letters,
    )


def _outcome(item: Mapping[str, Any]) -> MagicOutcome:
    return MagicOutcome(
        status=Status(item["status"]),
        extra_delay=float(item.get("extra_delay", 0)),
        terminal=bool(item.get("terminal", True)),
        provider_response=item.get("provider_response"),
    )


def read_fixtures(
    path: Traversable, clock: SandboxClock, defaults: ServiceDefaults | None = None
) -> LoadedFixtures:
    data = _read(path) or {}
    if not isinstance(data, Mapping):
        raise FixtureError(f"{path}: the top level must be a mapping with 'services'")
    loaded = LoadedFixtures(faults=[dict(rule) for rule in data.get("faults", ())])
    for index, raw in enumerate(data.get("services", ())):
        try:
            _read_service(raw, loaded, clock, defaults or ServiceDefaults())
        except (KeyError, TypeError, ValueError) as error:
            raise FixtureError(f"{path}: services[{index}]: {error!r}") from error
    return loaded


def _read_service(
    raw: Mapping[str, Any], loaded: LoadedFixtures, clock: SandboxClock, defaults: ServiceDefaults
) -> None:
    now = clock.now()
    service_id = str(uuid.UUID(str(raw["id"])))
    service = Service(
        id=service_id,
        name=str(raw["name"]),
        restricted=bool(raw.get("restricted", True)),
        active=bool(raw.get("active", True)),
        email_sender_local_part=str(raw.get("email_sender_local_part", "sandbox")),
        rate_limit=int(raw.get("rate_limit", defaults.rate_limit)),
        permissions=frozenset(raw.get("permissions", ("sms", "email", "international_sms"))),
        prefix_sms=bool(raw.get("prefix_sms", defaults.prefix_sms)),
        sms_senders=tuple(SmsSender(**s) for s in raw.get("sms_senders", ())),
        email_reply_to=tuple(EmailReplyTo(**r) for r in raw.get("email_reply_to", ())),
        team=tuple(TeamMember(**m) for m in raw.get("team", ())),
        guest_list=tuple(str(g) for g in raw.get("guest_list", ())),
        limits={str(k): int(v) for k, v in (raw.get("limits") or {}).items()},
        data_retention_days=int(raw.get("data_retention_days", 7)),
        contact_link=str(raw["contact_link"]) if raw.get("contact_link") else None,
        created_at=now,
        callbacks={
            str(kind): {"url": str(v["url"]), "bearer_token": str(v["bearer_token"])}
            for kind, v in (raw.get("callbacks") or {}).items()
        },
    )
    loaded.services.append(service)
    loaded.stated[service.id] = {name: raw[name] for name in _SERVICE_FIELDS if name in raw}
    for key in raw.get("api_keys", ()):
        loaded.keys.append(_read_key(service_id, key, now))
    for template in raw.get("templates", ()):
        loaded.templates.extend(_read_template(service_id, template, now))
    for text in raw.get("received_text_messages", ()):
        # distinct, increasing times keep `older_than` paging exact
        loaded.received_texts.append(_read_received(service_id, text, clock.unique_now()))


def _read_key(service_id: str, raw: Mapping[str, Any], now: datetime) -> ApiKey:
    secret = str(uuid.UUID(str(raw["secret"])))
    name = str(raw["name"])
    if " " in name:
        raise ValueError(
            f"key name {name!r} must not contain spaces (the .NET client rejects them)"
        )
    key_id = str(raw.get("id") or uuid.uuid5(_ID_NAMESPACE, f"{service_id}:{name}:{secret}"))
    return ApiKey(
        id=key_id,
        service_id=service_id,
        name=name,
        key_type=KeyType(raw.get("key_type", "test")),
        secret=secret,
        created_at=now,
        created_by=str(raw.get("created_by", "fixtures")),
        permissions=check_permissions(raw.get("permissions")),
        tier=raw.get("tier"),
        per_minute_limit=raw.get("per_minute_limit"),
        per_day_limit=raw.get("per_day_limit"),
    )


def _read_template(service_id: str, raw: Mapping[str, Any], now: datetime) -> list[Template]:
    template_id = str(uuid.UUID(str(raw["id"])))
    template_type = NotificationType(raw["type"])
    older = sorted(raw.get("versions", ()), key=lambda v: int(v["version"]))
    latest_version = int(raw.get("version", (int(older[-1]["version"]) + 1) if older else 1))
    versions = [
        _template(service_id, template_id, template_type, {**raw, **v}, int(v["version"]), now)
        for v in older
    ]
    versions.append(_template(service_id, template_id, template_type, raw, latest_version, now))
    if len(versions) > 1:
        versions[-1].updated_at = now
    return versions


def _template(
    service_id: str,
    template_id: str,
    template_type: NotificationType,
    raw: Mapping[str, Any],
    version: int,
    now: datetime,
) -> Template:
    return Template(
        id=template_id,
        service_id=service_id,
        type=template_type,
        name=str(raw["name"]),
        body=str(raw["body"]),
        version=version,
        subject=str(raw["subject"]) if raw.get("subject") is not None else None,
        created_at=now,
        created_by=str(raw.get("created_by", "sandbox@notify.sandbox")),
        archived=bool(raw.get("archived", False)),
        hidden=bool(raw.get("hidden", False)),
        postage=raw.get("postage"),
        letter_contact_block=raw.get("letter_contact_block"),
    )


def _read_received(service_id: str, raw: Mapping[str, Any], now: datetime) -> ReceivedText:
    created = raw.get("created_at")
    return ReceivedText(
        id=str(uuid.UUID(str(raw["id"]))),
        service_id=service_id,
        user_number=str(raw["user_number"]),
        notify_number=str(raw["notify_number"]),
        content=str(raw["content"]),
        created_at=_parse_time(created) if created else now,
    )


def _parse_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

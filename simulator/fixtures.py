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

from simulator.domain.admin_ranges import whole_number
from simulator.domain.callbacks import CALLBACK_KINDS
from simulator.domain.clock import SandboxClock
from simulator.domain.errors import BadRequestError
from simulator.domain.faults import RULE_FIELDS, parse_fault_rule
from simulator.domain.keys import TIERS, check_permissions
from simulator.domain.models import (
    DEFAULT_SERVICE_PERMISSIONS,
    LIMIT_CHANNELS,
    SERVICE_PERMISSIONS,
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
from simulator.domain.profiles import Profile
from simulator.domain.recipients import normalise_phone_for_matching
from simulator.domain.simulation import MagicOutcome, SimulationRules
from simulator.domain.team import TEAM_PERMISSIONS
from simulator.fixture_fields import FieldError, Fields
from simulator.gateway.passwords import hash_password

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
    # a profile's own service permissions and limits (GC: upload_document, annual limits)
    extra_permissions: frozenset[str] = frozenset()
    extra_limits: frozenset[str] = frozenset()

    @classmethod
    def of(cls, profile: Profile) -> ServiceDefaults:
        return cls(
            profile.default_rate_limit,
            profile.prefix_sms_default,
            extra_permissions=profile.extra_permissions,
            extra_limits=profile.extra_limits,
        )


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


# what a fixture file may say, level by level; anything else is refused by name
_TOP_FIELDS = frozenset({"services", "faults"})
_SERVICE_KEYS = _SERVICE_FIELDS | {"id", "api_keys", "templates", "received_text_messages"}
_SENDER_FIELDS = frozenset({"id", "sender", "is_default"})
_REPLY_TO_FIELDS = frozenset({"id", "email_address", "is_default"})
_MEMBER_FIELDS = frozenset(
    {"name", "email_address", "mobile_number", "password", "password_hash", "permissions"}
)
_CALLBACK_FIELDS = frozenset({"url", "bearer_token"})
_KEY_FIELDS = frozenset(
    {"id", "name", "key_type", "secret", "created_by", "permissions", "tier"}
    | {"per_minute_limit", "per_day_limit"}
)
_TEMPLATE_FIELDS = frozenset(
    {"id", "type", "name", "body", "subject", "version", "versions", "created_by"}
    | {"archived", "hidden", "postage", "letter_contact_block"}
)
_VERSION_FIELDS = frozenset({"version", "name", "body", "subject", "created_by"})
_RECEIVED_FIELDS = frozenset({"id", "user_number", "notify_number", "content", "created_at"})
_KEY_TYPES = frozenset(k.value for k in KeyType)
_TEMPLATE_TYPES = frozenset(t.value for t in NotificationType)
_SECRET_HINT = (
    "; a key secret is a UUID such as 3d844edf-8d35-48ac-975b-e847b4f122b0 "
    "(the full key is <name>-<service id>-<secret>)"
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
    """Every service of the file; any unknown or bad field is a FixtureError naming its path."""
    data = _read(path)
    try:
        return _read_file(Fields("", data or {}, _TOP_FIELDS), clock, defaults or ServiceDefaults())
    except FieldError as error:
        raise FixtureError(f"{path}: {error}") from None


def _read_file(top: Fields, clock: SandboxClock, defaults: ServiceDefaults) -> LoadedFixtures:
    loaded = LoadedFixtures()
    for rule in top.items("faults", RULE_FIELDS):
        try:
            parse_fault_rule(rule.raw)
        except BadRequestError as error:
            raise FieldError(f"{rule.path}: {error.message}") from None
        loaded.faults.append(dict(rule.raw))
    for service in top.items("services", _SERVICE_KEYS):
        _read_service(service, loaded, clock, defaults)
    return loaded


def _read_service(
    raw: Fields, loaded: LoadedFixtures, clock: SandboxClock, defaults: ServiceDefaults
) -> None:
    now = clock.now()
    service_id = raw.uuid("id")
    limits = raw.mapping("limits", LIMIT_CHANNELS | defaults.extra_limits)
    callbacks = raw.mapping("callbacks", CALLBACK_KINDS)
    service = Service(
        id=service_id,
        name=raw.text("name"),
        restricted=raw.boolean("restricted", True),
        active=raw.boolean("active", True),
        email_sender_local_part=raw.text("email_sender_local_part", "sandbox"),
        rate_limit=_whole(raw, "rate_limit", defaults.rate_limit),
        permissions=frozenset(
            raw.strings("permissions", SERVICE_PERMISSIONS | defaults.extra_permissions)
            if raw.has("permissions")
            else DEFAULT_SERVICE_PERMISSIONS
        ),
        prefix_sms=raw.boolean("prefix_sms", defaults.prefix_sms),
        sms_senders=tuple(
            SmsSender(
                id=s.uuid("id"), sender=s.text("sender"), is_default=s.boolean("is_default", False)
            )
            for s in raw.items("sms_senders", _SENDER_FIELDS)
        ),
        email_reply_to=tuple(
            EmailReplyTo(
                id=r.uuid("id"),
                email_address=r.text("email_address"),
                is_default=r.boolean("is_default", False),
            )
            for r in raw.items("email_reply_to", _REPLY_TO_FIELDS)
        ),
        team=tuple(_read_member(m) for m in raw.items("team", _MEMBER_FIELDS)),
        guest_list=tuple(raw.strings("guest_list")),
        limits={name: _whole(limits, name, kind="limits") for name in limits.raw},
        data_retention_days=_whole(raw, "data_retention_days", 7),
        contact_link=raw.text("contact_link", None),
        created_at=now,
        callbacks={
            str(kind): {"url": c.text("url"), "bearer_token": c.text("bearer_token")}
            for kind in callbacks.raw
            for c in (callbacks.mapping(str(kind), _CALLBACK_FIELDS),)
        },
    )
    loaded.services.append(service)
    loaded.stated[service.id] = {name: raw.raw[name] for name in _SERVICE_FIELDS if name in raw.raw}
    for key in raw.items("api_keys", _KEY_FIELDS):
        loaded.keys.append(_read_key(service_id, key, now))
    for template in raw.items("templates", _TEMPLATE_FIELDS):
        loaded.templates.extend(_read_template(service_id, template, now))
    for text in raw.items("received_text_messages", _RECEIVED_FIELDS):
        # distinct, increasing times keep `older_than` paging exact
        loaded.received_texts.append(_read_received(service_id, text, clock.unique_now()))


def _read_member(m: Fields) -> TeamMember:
    """A team member; a plain `password` is hashed at once and never kept as given."""
    password = m.text("password", None)
    permissions = m.strings("permissions", TEAM_PERMISSIONS) if m.has("permissions") else None
    return TeamMember(
        name=m.text("name"),
        email_address=m.text("email_address", None),
        mobile_number=m.text("mobile_number", None),
        password_hash=hash_password(password) if password else m.text("password_hash", None),
        permissions=frozenset(permissions) if permissions is not None else None,
    )


def _whole(raw: Fields, name: str, default: Any = None, *, kind: str | None = None) -> int:
    value = raw.raw.get(name)
    if value is None:
        if default is None:
            raise raw.fail(name, "required")
        return int(default)
    try:
        return whole_number(name, value, kind)
    except BadRequestError as error:
        raise raw.fail(name, f"{error.message.removeprefix(f'{name} ')}, got {value!r}") from None


def _read_key(service_id: str, raw: Fields, now: datetime) -> ApiKey:
    secret = raw.uuid("secret", hint=_SECRET_HINT)
    name = raw.text("name")
    if " " in name:
        raise raw.fail(
            "name", f"{name!r} has a space (the .NET client rejects key names with spaces)"
        )
    derived = uuid.uuid5(_ID_NAMESPACE, f"{service_id}:{name}:{secret}")
    return ApiKey(
        id=raw.uuid("id", str(derived)),
        service_id=service_id,
        name=name,
        key_type=KeyType(raw.choice("key_type", _KEY_TYPES, "test")),
        secret=secret,
        created_at=now,
        created_by=raw.text("created_by", "fixtures"),
        permissions=raw.check("permissions", raw.raw.get("permissions"), _key_permissions),
        tier=raw.choice("tier", TIERS, None),
        per_minute_limit=_whole(raw, "per_minute_limit", 0) or None,
        per_day_limit=_whole(raw, "per_day_limit", 0) or None,
    )


def _key_permissions(value: Any) -> frozenset[str]:
    try:
        return check_permissions(value)
    except BadRequestError as error:
        raise ValueError(error.message.removeprefix("permissions ")) from None


def _read_template(service_id: str, raw: Fields, now: datetime) -> list[Template]:
    template_id = raw.uuid("id")
    template_type = NotificationType(raw.choice("type", _TEMPLATE_TYPES))
    older = sorted(raw.items("versions", _VERSION_FIELDS), key=_version_number)
    default_version = _version_number(older[-1]) + 1 if older else 1
    latest_version = _whole(raw, "version", default_version, kind="template_version")
    versions = [
        _template(service_id, template_id, template_type, _version_of(raw, v), now) for v in older
    ]
    versions.append(_template(service_id, template_id, template_type, raw, now, latest_version))
    if len(versions) > 1:
        versions[-1].updated_at = now
    return versions


def _version_number(version: Fields) -> int:
    return _whole(version, "version", kind="template_version")


def _version_of(template: Fields, version: Fields) -> Fields:
    """An older version: its own fields over the template's, at the version's path."""
    return Fields(version.path, {**template.raw, **version.raw}, _TEMPLATE_FIELDS)


def _template(
    service_id: str,
    template_id: str,
    template_type: NotificationType,
    raw: Fields,
    now: datetime,
    version: int | None = None,
) -> Template:
    return Template(
        id=template_id,
        service_id=service_id,
        type=template_type,
        name=raw.text("name"),
        body=raw.text("body"),
        version=version if version is not None else _version_number(raw),
        subject=raw.text("subject", None),
        created_at=now,
        created_by=raw.text("created_by", "sandbox@notify.sandbox"),
        archived=raw.boolean("archived", False),
        hidden=raw.boolean("hidden", False),
        postage=raw.text("postage", None),
        letter_contact_block=raw.text("letter_contact_block", None),
    )


def _read_received(service_id: str, raw: Fields, now: datetime) -> ReceivedText:
    created = raw.raw.get("created_at")
    return ReceivedText(
        id=raw.uuid("id"),
        service_id=service_id,
        user_number=raw.text("user_number"),
        notify_number=raw.text("notify_number"),
        content=raw.text("content"),
        created_at=raw.check("created_at", created, _parse_time) if created else now,
    )


def _parse_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

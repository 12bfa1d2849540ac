"""Mapping between stored rows (on either backend) and domain records."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from simulator.domain.clock import utc_from_micros, utc_micros
from simulator.domain.models import (
    ApiKey,
    EmailReplyTo,
    KeyType,
    Notification,
    NotificationType,
    ReceivedText,
    Service,
    SmsSender,
    Status,
    TeamMember,
    Template,
)
from simulator.domain.ports import MessageRecord
from simulator.storage.secret_box import SecretBox

__all__ = [
    "DUE_COLUMNS",
    "NOTIFICATION_COLUMNS",
    "key_from_row",
    "member_from_values",
    "member_values",
    "micros",
    "moment",
    "names",
    "notification_from_row",
    "notification_values",
    "received_text_from_row",
    "service_from_row",
    "service_values",
    "template_from_row",
]


def by_name(columns: str, values: Sequence[Any]) -> dict[str, Any]:
    """A row's values keyed by column name: the named parameters of an INSERT."""
    return dict(zip(names(columns), values, strict=True))


@functools.cache
def names(columns: str) -> tuple[str, ...]:
    return tuple(column.strip() for column in columns.split(","))


SERVICE_COLUMNS = (
    "id, name, restricted, active, email_sender_local_part, rate_limit, settings, created_at"
)
RECEIVED_TEXT_COLUMNS = "id, service_id, user_number, notify_number, content, created_at"


class Row(Protocol):
    """A fetched row on either backend: SQLite's tuple or asyncpg's Record."""

    def __getitem__(self, index: int, /) -> Any: ...


def micros(value: datetime | None) -> int | None:
    return None if value is None else utc_micros(value)


def moment(value: int | None) -> datetime | None:
    return None if value is None else utc_from_micros(value)


TokenCodec = Callable[[str, str], str]  # (value, service_id) -> value


def _tokens(
    callbacks: dict[str, dict[str, str]], service_id: str, codec: TokenCodec | None
) -> dict[str, dict[str, str]]:
    if codec is None:
        return callbacks
    return {
        kind: {**settings, "bearer_token": codec(settings["bearer_token"], service_id)}
        for kind, settings in callbacks.items()
    }


def member_values(m: TeamMember) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": m.name,
        "email_address": m.email_address,
        "mobile_number": m.mobile_number,
    }
    if m.password_hash is not None:
        values["password_hash"] = m.password_hash
    if m.permissions is not None:
        values["permissions"] = sorted(m.permissions)
    return values


def member_from_values(values: dict[str, Any]) -> TeamMember:
    permissions = values.get("permissions")
    return TeamMember(
        name=values["name"],
        email_address=values.get("email_address"),
        mobile_number=values.get("mobile_number"),
        password_hash=values.get("password_hash"),
        permissions=frozenset(permissions) if permissions is not None else None,
    )


def service_values(service: Service, seal: TokenCodec | None = None) -> tuple[Any, ...]:
    settings = {
        "permissions": sorted(service.permissions),
        "prefix_sms": service.prefix_sms,
        "sms_senders": [
            {"id": s.id, "sender": s.sender, "is_default": s.is_default}
            for s in service.sms_senders
        ],
        "email_reply_to": [
            {"id": r.id, "email_address": r.email_address, "is_default": r.is_default}
            for r in service.email_reply_to
        ],
        "team": [member_values(m) for m in service.team],
        "guest_list": list(service.guest_list),
        "limits": service.limits,
        "data_retention_days": service.data_retention_days,
        "contact_link": service.contact_link,
        # callback bearer tokens are secrets: sealed like API keys when a codec is given
        "callbacks": _tokens(service.callbacks, service.id, seal),
    }
    return (
        service.id,
        service.name,
        int(service.restricted),
        int(service.active),
        service.email_sender_local_part,
        service.rate_limit,
        json.dumps(settings),
        micros(service.created_at) or 0,
    )


def service_from_row(row: Row, unseal: TokenCodec | None = None) -> Service:
    settings = json.loads(row[6])
    return Service(
        id=row[0],
        name=row[1],
        restricted=bool(row[2]),
        active=bool(row[3]),
        email_sender_local_part=row[4],
        rate_limit=row[5],
        permissions=frozenset(settings.get("permissions", ())),
        prefix_sms=settings.get("prefix_sms", False),
        sms_senders=tuple(SmsSender(**s) for s in settings.get("sms_senders", ())),
        email_reply_to=tuple(EmailReplyTo(**r) for r in settings.get("email_reply_to", ())),
        team=tuple(member_from_values(m) for m in settings.get("team", ())),
        guest_list=tuple(settings.get("guest_list", ())),
        limits=dict(settings.get("limits", {})),
        data_retention_days=settings.get("data_retention_days", 7),
        contact_link=settings.get("contact_link"),
        created_at=moment(row[7]),
        callbacks=_tokens(dict(settings.get("callbacks", {})), row[0], unseal),
    )


TEMPLATE_COLUMNS = (
    "id, version, service_id, type, name, subject, body, created_by, created_at, updated_at, "
    "archived, hidden, postage, letter_contact_block, template_category_id"
)


def template_from_row(row: Row) -> Template:
    return Template(
        id=row[0],
        version=row[1],
        service_id=row[2],
        type=NotificationType(row[3]),
        name=row[4],
        subject=row[5],
        body=row[6],
        created_by=row[7],
        created_at=moment(row[8]),
        updated_at=moment(row[9]),
        archived=bool(row[10]),
        hidden=bool(row[11]),
        postage=row[12],
        letter_contact_block=row[13],
        category_id=row[14],
    )


NOTIFICATION_COLUMNS = (
    "id, service_id, api_key_id, key_type, notification_type, status, to_address, normalised_to, "
    "template_id, template_version, reference, body, subject, created_at, sent_at, updated_at, "
    "billable_units, international, rate_multiplier, sender, reply_to, unsubscribe_url, postage, "
    "personalisation, planned_status, next_action_at, attempts, provider, provider_reference, "
    "status_detail, scheduled_for, job_id, in_flight_status"
)

# The worker's view of due rows: a test key's timeline never needs the content, so the
# bulky columns are left out for those rows (issue 4: fewer bytes and no JSON decoding)
_SKIPPED_FOR_TEST_KEYS = {"body": "''", "subject": "NULL", "personalisation": "NULL"}
DUE_COLUMNS = ", ".join(
    (
        f"CASE WHEN key_type = 'test' THEN {_SKIPPED_FOR_TEST_KEYS[name]} ELSE {name} END"
        if name in _SKIPPED_FOR_TEST_KEYS
        else name
    )
    for name in names(NOTIFICATION_COLUMNS)
)


def notification_values(n: Notification) -> tuple[Any, ...]:
    return (
        n.id,
        n.service_id,
        n.api_key_id,
        n.key_type.value,
        n.type.value,
        n.status.value,
        n.to,
        n.normalised_to,
        n.template_id,
        n.template_version,
        n.reference,
        n.body,
        n.subject,
        micros(n.created_at),
        micros(n.sent_at),
        micros(n.updated_at),
        n.billable_units,
        int(n.international),
        n.rate_multiplier,
        n.sender,
        n.reply_to,
        n.unsubscribe_url,
        n.postage,
        json.dumps(n.personalisation) if n.personalisation else None,
        n.planned_status.value if n.planned_status else None,
        micros(n.next_action_at),
        n.attempts,
        n.provider,
        n.provider_reference,
        n.status_detail,
        micros(n.scheduled_for),
        n.job_id,
        n.in_flight_status.value if n.in_flight_status else None,
    )


def notification_from_row(row: Row) -> Notification:
    return Notification(
        id=row[0],
        service_id=row[1],
        api_key_id=row[2],
        key_type=KeyType(row[3]),
        type=NotificationType(row[4]),
        status=Status(row[5]),
        to=row[6],
        normalised_to=row[7],
        template_id=row[8],
        template_version=row[9],
        reference=row[10],
        body=row[11],
        subject=row[12],
        created_at=utc_from_micros(row[13]),
        sent_at=moment(row[14]),
        updated_at=moment(row[15]),
        billable_units=row[16],
        international=bool(row[17]),
        rate_multiplier=row[18],
        sender=row[19],
        reply_to=row[20],
        unsubscribe_url=row[21],
        postage=row[22],
        personalisation=json.loads(row[23]) if row[23] else {},
        planned_status=Status(row[24]) if row[24] else None,
        next_action_at=moment(row[25]),
        attempts=row[26],
        provider=row[27],
        provider_reference=row[28],
        status_detail=row[29],
        scheduled_for=moment(row[30]),
        job_id=row[31],
        in_flight_status=Status(row[32]) if row[32] else None,
    )


def received_text_from_row(row: Row) -> ReceivedText:
    return ReceivedText(
        id=row[0],
        service_id=row[1],
        user_number=row[2],
        notify_number=row[3],
        content=row[4],
        created_at=utc_from_micros(row[5]),
    )


MESSAGE_COLUMNS = (
    "notification_id, service_id, key_type, channel, provider, recipient, sender, reply_to, "
    "subject, body, html, fragment_count, reference, template_id, unsubscribe_url, created_at"
)


def message_values(m: MessageRecord) -> tuple[Any, ...]:
    return (
        m.notification_id,
        m.service_id,
        m.key_type.value,
        m.channel.value,
        m.provider,
        m.recipient,
        m.sender,
        m.reply_to,
        m.subject,
        m.body,
        m.html,
        m.fragment_count,
        m.reference,
        m.template_id,
        m.unsubscribe_url,
        micros(m.created_at),
    )


def message_from_row(row: Row) -> MessageRecord:
    return MessageRecord(
        notification_id=row[0],
        service_id=row[1],
        key_type=KeyType(row[2]),
        channel=NotificationType(row[3]),
        provider=row[4],
        recipient=row[5],
        sender=row[6],
        reply_to=row[7],
        subject=row[8],
        body=row[9],
        html=row[10],
        fragment_count=row[11],
        reference=row[12],
        template_id=row[13],
        unsubscribe_url=row[14],
        created_at=utc_from_micros(row[15]),
    )


def key_from_row(row: Row, box: SecretBox) -> ApiKey:
    """An API key row, its secret opened (sealed to the key's id)."""
    key_id = str(row[0])
    return ApiKey(
        id=key_id,
        service_id=str(row[1]),
        name=str(row[2]),
        key_type=KeyType(row[3]),
        secret=box.open(bytes(row[4]), bound_to=key_id),
        permissions=frozenset(json.loads(str(row[5]))),
        description=str(row[6]),
        created_by=str(row[7]),
        created_at=utc_from_micros(row[8]),
        revoked_at=moment(row[9]),
        expires_at=moment(row[10]),
        last_used_at=moment(row[11]),
        request_count=int(row[12]),
        tier=row[13],
        per_minute_limit=row[14],
        per_day_limit=row[15],
        revoke_after=moment(row[16]),
    )

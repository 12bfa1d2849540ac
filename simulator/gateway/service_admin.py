"""Managing services, their team, guest list, senders and templates (issue 6)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Set
from dataclasses import replace
from typing import Any

from simulator.domain.admin_ranges import whole_number
from simulator.domain.clock import Clock
from simulator.domain.errors import BadRequestError
from simulator.domain.messages import UK_MESSAGES, Messages
from simulator.domain.models import (
    DEFAULT_SERVICE_PERMISSIONS,
    LIMIT_CHANNELS,
    SERVICE_PERMISSIONS,
    EmailReplyTo,
    NotificationType,
    Service,
    SmsSender,
    TeamMember,
    Template,
)
from simulator.domain.phone_rules import UK_PHONES, PhoneRules, phone_error_text
from simulator.domain.ports import DirectoryStore
from simulator.domain.recipients import (
    InvalidEmailAddress,
    InvalidPhoneNumber,
    normalise_email_for_matching,
    normalise_phone_for_matching,
    validate_email_address,
)
from simulator.domain.team import TEAM_PERMISSIONS, check_team_permissions
from simulator.gateway.passwords import MIN_PASSWORD_LENGTH, hash_password

__all__ = ["ServiceAdmin"]


def _text(data: Mapping[str, Any], field: str, *, required: bool = True) -> str | None:
    value = data.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise BadRequestError(f"{field} is a required property")
    return value


def _email(value: Any, field: str) -> str:
    try:
        return validate_email_address(value if isinstance(value, str) else "")
    except InvalidEmailAddress as error:
        raise BadRequestError(f"{field} Not a valid email address") from error


def _phone(
    value: Any, field: str, texts: Messages = UK_MESSAGES, phones: PhoneRules = UK_PHONES
) -> str:
    try:
        phones.parse(value if isinstance(value, str) else "")
    except InvalidPhoneNumber as error:
        # the texts a send answers with for the same number, e.g. "Not enough digits"
        raise BadRequestError(f"{field} {phone_error_text(texts.phone, error)}") from error
    return str(value).strip()


class ServiceAdmin:
    def __init__(
        self,
        *,
        store: DirectoryStore,
        clock: Clock,
        default_rate_limit: int,
        on_change: Callable[[str], None],
        messages: Messages = UK_MESSAGES,
        phones: PhoneRules = UK_PHONES,
        prefix_sms_default: bool = False,
        extra_permissions: frozenset[str] = frozenset(),
        extra_limits: frozenset[str] = frozenset(),
    ) -> None:
        # a profile's own settings (GC: upload_document, annual limits)
        self._permissions = SERVICE_PERMISSIONS | extra_permissions
        self._limit_names = LIMIT_CHANNELS | extra_limits
        self._phones = phones
        self._prefix_sms_default = prefix_sms_default
        self._store = store
        self._clock = clock
        self._default_rate_limit = default_rate_limit
        self._on_change = on_change
        self._texts = messages

    async def service(self, service_id: str) -> Service:
        found = await self._store.get_service(service_id)
        if found is None:
            raise self._texts.no_result_error()
        return found

    async def services(self) -> list[Service]:
        return await self._store.list_services()

    async def create(self, data: Mapping[str, Any]) -> Service:
        service_id = str(data.get("id") or uuid.uuid4())
        try:
            service_id = str(uuid.UUID(service_id))
        except ValueError as error:
            raise BadRequestError("id is not a valid UUID") from error
        if await self._store.get_service(service_id) is not None:
            raise BadRequestError(f"A service with id {service_id} already exists")
        service = Service(
            id=service_id,
            name=_text(data, "name") or "",
            restricted=True,
            email_sender_local_part=str(data.get("email_sender_local_part") or "sandbox"),
            rate_limit=self._default_rate_limit,
            prefix_sms=self._prefix_sms_default,
            permissions=DEFAULT_SERVICE_PERMISSIONS,
            created_at=self._clock.now(),
        )
        service = self._apply(service, {k: v for k, v in data.items() if k not in {"id", "name"}})
        await self._store.save_service(service)
        self._on_change(service.id)
        return service

    async def update(self, service_id: str, data: Mapping[str, Any]) -> Service:
        service = self._apply(await self.service(service_id), data)
        await self._store.save_service(service)
        self._on_change(service_id)
        return service

    def _apply(self, service: Service, data: Mapping[str, Any]) -> Service:
        changes: dict[str, Any] = {}
        for field, value in data.items():
            changes[field] = self._checked(field, value)
        return replace(service, **changes)

    def _checked(self, field: str, value: Any) -> Any:
        if field in {"restricted", "active", "prefix_sms"}:
            if not isinstance(value, bool):
                raise BadRequestError(f"{field} must be true or false")
            return value
        if field in {"rate_limit", "data_retention_days"}:
            return whole_number(field, value)
        if field == "name":
            return _text({"name": value}, "name")
        if field == "contact_link":
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise BadRequestError(
                    "contact_link must be a URL, an email address or a phone number"
                )
            return value
        if field == "email_sender_local_part":
            local = _text({field: value}, field) or ""
            _email(f"{local}@example.com", field)
            return local
        if field == "limits":
            return _limits(value, self._limit_names)
        if field == "permissions":
            if not isinstance(value, list) or not set(value) <= self._permissions:
                raise BadRequestError(
                    f"permissions must be a list drawn from {sorted(self._permissions)}"
                )
            return frozenset(value)
        if field == "sms_senders":
            return tuple(_sms_sender(item) for item in _list(value, field))
        if field == "email_reply_to":
            return tuple(_reply_to(item) for item in _list(value, field))
        raise BadRequestError(f"Additional properties are not allowed ({field} was unexpected)")

    # -- team and guest list -------------------------------------------------------------
    async def add_team_member(self, service_id: str, data: Mapping[str, Any]) -> Service:
        service = await self.service(service_id)
        email = _email(data.get("email_address"), "email_address")
        mobile = data.get("mobile_number")
        member = TeamMember(
            name=_text(data, "name") or "",
            email_address=email,
            mobile_number=(
                _phone(mobile, "mobile_number", self._texts, self._phones)
                if mobile is not None
                else None
            ),
            permissions=_team_permissions(data.get("permissions")),
        )
        previous = next((m for m in service.team if _same_email(m.email_address, email)), None)
        if previous is not None:  # re-adding a member changes details, not their password
            member = replace(member, password_hash=previous.password_hash)
        if data.get("password") is not None:
            member = replace(member, password_hash=hash_password(_password(data["password"])))
        kept = [m for m in service.team if not _same_email(m.email_address, email)]
        return await self._save(replace(service, team=(*kept, member)))

    async def set_password(self, service_id: str, email_address: str, password: Any) -> Service:
        """`notify-sandbox team set-password`: the member signs in to the dashboard with it."""
        service = await self.service(service_id)
        if not any(_same_email(m.email_address, email_address) for m in service.team):
            raise self._texts.no_result_error()
        hashed = hash_password(_password(password))
        team = tuple(
            replace(m, password_hash=hashed) if _same_email(m.email_address, email_address) else m
            for m in service.team
        )
        return await self._save(replace(service, team=team))

    async def remove_team_member(self, service_id: str, email_address: str) -> Service:
        service = await self.service(service_id)
        kept = tuple(m for m in service.team if not _same_email(m.email_address, email_address))
        if len(kept) == len(service.team):
            raise self._texts.no_result_error()
        return await self._save(replace(service, team=kept))

    async def add_guest(self, service_id: str, recipient: Any) -> Service:
        service = await self.service(service_id)
        if not isinstance(recipient, str):
            raise BadRequestError("recipient is a required property")
        entry = (
            _email(recipient, "recipient")
            if "@" in recipient
            else _phone(recipient, "recipient", self._texts, self._phones)
        )
        if any(_same_recipient(g, entry) for g in service.guest_list):
            return service
        return await self._save(replace(service, guest_list=(*service.guest_list, entry)))

    async def remove_guest(self, service_id: str, recipient: str) -> Service:
        service = await self.service(service_id)
        kept = tuple(g for g in service.guest_list if not _same_recipient(g, recipient))
        if len(kept) == len(service.guest_list):
            raise self._texts.no_result_error()
        return await self._save(replace(service, guest_list=kept))

    async def _save(self, service: Service) -> Service:
        await self._store.save_service(service)
        self._on_change(service.id)
        return service

    # -- templates -------------------------------------------------------------------------
    async def create_template(self, service_id: str, data: Mapping[str, Any]) -> Template:
        await self.service(service_id)
        try:
            template_type = NotificationType(str(data.get("type")))
        except ValueError as error:
            raise BadRequestError("type must be one of [sms, email, letter]") from error
        subject = _text(data, "subject", required=template_type is not NotificationType.SMS)
        now = self._clock.now()
        template = Template(
            id=str(uuid.uuid4()),
            service_id=service_id,
            type=template_type,
            name=_text(data, "name") or "",
            body=_text(data, "body") or "",
            subject=subject if template_type is not NotificationType.SMS else None,
            version=1,
            created_at=now,
            created_by=str(data.get("created_by") or "admin@notify.sandbox"),
        )
        await self._store.save_template(template)
        self._on_change(service_id)
        return template

    async def update_template(
        self, service_id: str, template_id: str, data: Mapping[str, Any]
    ) -> Template:
        current = await self._store.get_template(service_id, template_id)
        if current is None:
            raise self._texts.no_result_error()
        allowed = {"name", "body", "subject", "archived"}
        unexpected = sorted(set(data) - allowed)
        if unexpected:
            raise BadRequestError(f"{', '.join(unexpected)} cannot be changed on a template")
        changes: dict[str, Any] = {}
        for field in ("name", "body"):
            if field in data:
                changes[field] = _text(data, field)
        if "subject" in data and current.type is not NotificationType.SMS:
            changes["subject"] = _text(data, "subject")
        if "archived" in data:
            if data["archived"] is not True:
                raise BadRequestError("archived can only be set to true")
            changes["archived"] = True
        changes = {k: v for k, v in changes.items() if getattr(current, k) != v}
        if not changes:
            return current  # nothing changed: no new version
        if current.archived:
            raise BadRequestError("An archived template cannot be changed")
        # every change is a new version; old versions stay readable
        updated = replace(
            current, **changes, version=current.version + 1, updated_at=self._clock.now()
        )
        await self._store.save_template(updated)
        self._on_change(service_id)
        return updated


def _password(value: Any) -> str:
    if not isinstance(value, str) or len(value) < MIN_PASSWORD_LENGTH:
        raise BadRequestError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    return value


def _team_permissions(value: Any) -> frozenset[str] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise BadRequestError(f"permissions must be a list drawn from {list(TEAM_PERMISSIONS)}")
    try:
        return check_team_permissions(value)
    except ValueError as error:
        raise BadRequestError(str(error)) from error


def _list(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise BadRequestError(f"{field} must be a list")
    return value


def _limits(value: Any, names: Set[str]) -> dict[str, int]:
    if not isinstance(value, dict) or not set(value) <= names:
        raise BadRequestError(f"limits must map some of {sorted(names)} to numbers")
    return {channel: whole_number(f"limits.{channel}", n, "limits") for channel, n in value.items()}


def _sms_sender(item: Any) -> SmsSender:
    if not isinstance(item, dict):
        raise BadRequestError("each sms sender needs sender")
    sender = _text(item, "sender") or ""
    if len(sender) > 11 and not sender.lstrip("+").isdigit():
        raise BadRequestError("sender must be at most 11 characters or a phone number")
    return SmsSender(
        id=str(item.get("id") or uuid.uuid4()),
        sender=sender,
        is_default=bool(item.get("is_default")),
    )


def _reply_to(item: Any) -> EmailReplyTo:
    if not isinstance(item, dict):
        raise BadRequestError("each reply-to needs email_address")
    return EmailReplyTo(
        id=str(item.get("id") or uuid.uuid4()),
        email_address=_email(item.get("email_address"), "email_address"),
        is_default=bool(item.get("is_default")),
    )


def _same_email(a: str | None, b: str) -> bool:
    return a is not None and normalise_email_for_matching(a) == normalise_email_for_matching(b)


def _same_recipient(a: str, b: str) -> bool:
    if "@" in a or "@" in b:
        return _same_email(a, b)
    left, right = normalise_phone_for_matching(a), normalise_phone_for_matching(b)
    return left is not None and left == right

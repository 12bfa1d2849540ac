"""JSON shapes of the sandbox's own admin API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from simulator.api.presenters import format_time
from simulator.domain.keys import key_status
from simulator.domain.models import ApiKey, Service, TeamMember
from simulator.domain.team import TEAM_PERMISSIONS

__all__ = ["key_view", "member_view", "service_view"]


def service_view(s: Service) -> dict[str, Any]:
    return {
        "id": s.id,
        "name": s.name,
        "restricted": s.restricted,
        "mode": "trial" if s.restricted else "live",
        "active": s.active,
        "email_sender_local_part": s.email_sender_local_part,
        "rate_limit": s.rate_limit,
        "permissions": sorted(s.permissions),
        "prefix_sms": s.prefix_sms,
        "limits": s.limits,
        "data_retention_days": s.data_retention_days,
        "contact_link": s.contact_link,
        "sms_senders": [
            {"id": x.id, "sender": x.sender, "is_default": x.is_default} for x in s.sms_senders
        ],
        "email_reply_to": [
            {"id": x.id, "email_address": x.email_address, "is_default": x.is_default}
            for x in s.email_reply_to
        ],
        "team": [member_view(m) for m in s.team],
        "guest_list": list(s.guest_list),
        "created_at": format_time(s.created_at),
    }


def member_view(m: TeamMember) -> dict[str, Any]:
    """A team member; whether they can sign in, never their password hash."""
    return {
        "name": m.name,
        "email_address": m.email_address,
        "mobile_number": m.mobile_number,
        "permissions": sorted(m.permissions if m.permissions is not None else TEAM_PERMISSIONS),
        "can_sign_in": m.password_hash is not None,
    }


def key_view(
    k: ApiKey,
    now: datetime,
    *,
    last_used_at: datetime | None = None,
    extra_requests: int = 0,
    sends: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Everything about a key except its secret, which is never shown again."""
    view: dict[str, Any] = {
        "id": k.id,
        "service_id": k.service_id,
        "name": k.name,
        "key_type": k.key_type.value,
        "description": k.description,
        "permissions": sorted(k.permissions),
        "status": key_status(k, now),
        "created_at": format_time(k.created_at),
        "created_by": k.created_by,
        "last_used_at": format_time(last_used_at or k.last_used_at),
        "expires_at": format_time(k.expires_at),
        "revoked_at": format_time(k.revoked_at or (k.revoke_after if k.is_revoked(now) else None)),
        "revoke_after": format_time(k.revoke_after),
        "tier": k.tier,
        "per_minute_limit": k.per_minute_limit,
        "per_day_limit": k.per_day_limit,
        "request_count": k.request_count + extra_requests,
    }
    if sends is not None:
        view["sends"] = {"sms": sends.get("sms", 0), "email": sends.get("email", 0)}
    return view

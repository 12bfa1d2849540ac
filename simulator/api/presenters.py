"""Wire shapes of Notify's v2 responses (contract 3.1, 3.2, 3.5, 3.7, 3.8)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from simulator.api.letter_presenters import letter_fields
from simulator.domain import templating
from simulator.domain.models import (
    KeyType,
    Notification,
    NotificationType,
    ReceivedText,
    Status,
    Template,
)
from simulator.domain.phone_rules import UK_PHONES
from simulator.domain.profiles import Profile
from simulator.domain.status_texts import provider_response, status_description
from simulator.domain.time_text import notify_time

__all__ = [
    "format_time",
    "notification_body",
    "post_email_body",
    "post_sms_body",
    "received_text_body",
    "template_body",
]


def format_time(moment: datetime | None) -> str | None:
    return None if moment is None else notify_time(moment)


def _post_envelope(
    n: Notification, url_root: str, scheduled_for: str | None = None
) -> dict[str, Any]:
    return {
        "id": n.id,
        "reference": n.reference,
        "uri": f"{url_root}v2/notifications/{n.id}",
        "template": {
            "id": n.template_id,
            "version": n.template_version,
            "uri": f"{url_root}services/{n.service_id}/templates/{n.template_id}",
        },
        # GC echoes the string that was sent; GOV.UK never schedules
        "scheduled_for": scheduled_for,
    }


def post_sms_body(
    n: Notification,
    url_root: str,
    *,
    profile: Profile | None = None,
    scheduled_for: str | None = None,
) -> dict[str, Any]:
    body = _post_envelope(n, url_root, scheduled_for)
    phones = profile.phones if profile else UK_PHONES
    sender = None if n.sender is None else phones.display_sender(n.sender)
    body["content"] = {"body": n.body, "from_number": sender}
    return body


def post_email_body(
    n: Notification,
    url_root: str,
    from_email: str,
    sanitised: dict[str, Any] | None = None,
    *,
    profile: Profile | None = None,
    scheduled_for: str | None = None,
) -> dict[str, Any]:
    body = _post_envelope(n, url_root, scheduled_for)
    body["content"] = {"from_email": from_email, "body": n.body, "subject": n.subject}
    if profile is None or profile.unsubscribe_links:  # GC has neither field
        body["content"]["one_click_unsubscribe_url"] = n.unsubscribe_url
        body["sanitised_content"] = sanitised or {}
    return body


def _cost(n: Notification, sms_rate: float) -> dict[str, Any]:
    if n.type is NotificationType.EMAIL:
        return {"is_cost_data_ready": True, "cost_in_pounds": 0.0, "cost_details": {}}
    # Notify fills billable units at hand-off; research-mode (test key) sends bill nothing
    if n.status is Status.CREATED:
        return {"is_cost_data_ready": False, "cost_in_pounds": None, "cost_details": {}}
    units = 0 if n.key_type is KeyType.TEST else n.billable_units
    return {
        "is_cost_data_ready": True,
        "cost_in_pounds": round(units * n.rate_multiplier * sms_rate, 6),
        "cost_details": {
            "billable_sms_fragments": units,
            "international_rate_multiplier": n.rate_multiplier,
            "sms_rate": sms_rate,
        },
    }


def notification_body(
    n: Notification, url_root: str, *, sms_rate: float, profile: Profile | None = None
) -> dict[str, Any]:
    is_email = n.type is NotificationType.EMAIL
    body: dict[str, Any] = {
        "id": n.id,
        "reference": n.reference,
        "email_address": n.to if is_email else None,
        "phone_number": n.to if n.type is NotificationType.SMS else None,
        "line_1": None,
        "line_2": None,
        "line_3": None,
        "line_4": None,
        "line_5": None,
        "line_6": None,
        "postcode": None,
        "type": n.type.value,
        "status": n.status.value,
        "template": {
            "id": n.template_id,
            "version": n.template_version,
            "uri": f"{url_root}v2/template/{n.template_id}/version/{n.template_version}",
        },
        "body": n.body,
        "subject": n.subject,
        "created_at": format_time(n.created_at),
        "created_by_name": None,
        "sent_at": format_time(n.sent_at),
        "completed_at": format_time(n.completed_at),
        "scheduled_for": format_time(n.scheduled_for),
        "postage": n.postage,
    }
    if profile is None or profile.unsubscribe_links:
        body["one_click_unsubscribe_url"] = n.unsubscribe_url
    if n.type is NotificationType.LETTER and profile is not None and profile.letters:
        body.update(letter_fields(n, profile.letters, format_time))
    elif profile is None or profile.cost_data:
        body.update(_cost(n, sms_rate))
    if profile is not None and profile.status_descriptions is not None:
        body["status_description"] = status_description(n, profile.status_descriptions)
        body["provider_response"] = provider_response(n, profile.simulation)
    return body


def template_body(t: Template) -> dict[str, Any]:
    texts = (t.subject, t.body) if t.subject else (t.body,)
    return {
        "id": t.id,
        "type": t.type.value,
        "created_at": format_time(t.created_at),
        "updated_at": format_time(t.updated_at),
        "created_by": t.created_by,
        "version": t.version,
        "body": t.body,
        "subject": t.subject if t.type is not NotificationType.SMS else None,
        "name": t.name,
        "personalisation": templating.placeholder_schema(*texts),
        "postage": t.postage,
        "letter_contact_block": t.letter_contact_block,
    }


def received_text_body(r: ReceivedText) -> dict[str, Any]:
    return {
        "id": r.id,
        "user_number": r.user_number,
        "notify_number": r.notify_number,
        "created_at": format_time(r.created_at),
        "service_id": r.service_id,
        "content": r.content,
    }

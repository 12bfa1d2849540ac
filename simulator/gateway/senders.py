"""Which sender a message goes out with: an SMS sender or an email reply-to address.

The id a request names must belong to the service (contract 3.1, 3.2); without one,
the service's default is used. Shared by bulk jobs (``reply_to_id``); the single send
has the same rules (send.py ``_sender`` and ``_reply_to``).
"""

from __future__ import annotations

from simulator.domain.errors import BadRequestError
from simulator.domain.models import NotificationType, Service
from simulator.domain.profiles import Profile

__all__ = ["pick_reply_to", "pick_sender", "pick_sms_sender"]


def pick_sms_sender(profile: Profile, service: Service, sender_id: str | None) -> str | None:
    if sender_id:
        match = next((s for s in service.sms_senders if s.id == sender_id), None)
        if match is None:
            raise BadRequestError(
                profile.messages.sms_sender_missing.format(id=sender_id, service_id=service.id)
            )
        return profile.phones.chosen_sender(match.sender)
    default = service.default_sms_sender()
    return default.sender if default else None


def pick_reply_to(profile: Profile, service: Service, reply_to_id: str | None) -> str | None:
    if reply_to_id:
        match = next((r for r in service.email_reply_to if r.id == reply_to_id), None)
        if match is None:
            raise BadRequestError(
                profile.messages.reply_to_missing.format(id=reply_to_id, service_id=service.id)
            )
        return match.email_address
    default = service.default_reply_to()
    return default.email_address if default else None


def pick_sender(
    profile: Profile, service: Service, notification_type: NotificationType, sender_id: str | None
) -> str | None:
    if notification_type is NotificationType.SMS:
        return pick_sms_sender(profile, service, sender_id)
    return pick_reply_to(profile, service, sender_id)

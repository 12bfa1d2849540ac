"""The template steps of a send: find the template, check the values, render and measure.

Texts come from the profile (GC names the template in some of them); the length rule
too: GOV.UK counts the unprefixed text up to 918, GC the prefixed bytes up to 612.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulator.domain import email_render, sms, templating
from simulator.domain.errors import BadRequestError
from simulator.domain.models import NotificationType, Service, Template
from simulator.domain.profiles import Profile
from simulator.gateway.directory import ServiceDirectory, ServiceEntry

__all__ = ["ContentChecks", "Rendered"]


@dataclass(frozen=True, slots=True)
class Rendered:
    body: str
    subject: str | None
    units: int  # SMS fragments; 0 for email


class ContentChecks:
    def __init__(self, profile: Profile, directory: ServiceDirectory) -> None:
        self._profile = profile
        self._texts = profile.messages
        self._directory = directory

    async def template(
        self, service: Service, template_id: str, notification_type: NotificationType
    ) -> Template:
        entry = await self._directory.entry(service.id)  # not find(): a call fewer a send
        template = entry.templates.get(template_id) if entry else None
        if template is None or template.hidden:
            raise BadRequestError(self._texts.template_not_found)
        self.check_usable(template, notification_type)
        return template

    async def find(self, service: Service, template_id: str) -> Template | None:
        """The service's template, hidden ones left out."""
        return _visible(await self._directory.entry(service.id), template_id)

    def check_usable(self, template: Template, notification_type: NotificationType) -> None:
        if template.type is not notification_type:
            raise BadRequestError(
                self._texts.template_wrong_type.format(
                    template_type=template.type.value, notification_type=notification_type.value
                )
            )
        if template.archived:
            raise BadRequestError(self._texts.template_archived.format(template_id=template.id))

    def check_personalisation(self, template: Template, values: Mapping[str, Any]) -> None:
        texts = (template.subject or "", template.body) if template.subject else (template.body,)
        missing = templating.missing_personalisation(values, *texts)
        if missing:
            raise BadRequestError(
                self._texts.missing_personalisation.format(
                    names=", ".join(missing), template_id=template.id
                )
            )
        not_email = self._texts.file_not_email
        if (
            not_email is not None
            and template.type is not NotificationType.EMAIL
            and any(isinstance(v, Mapping) and "file" in v for v in values.values())
        ):
            raise BadRequestError(not_email)

    def render(
        self, service: Service, template: Template, values: Mapping[str, Any], *, check: bool = True
    ) -> Rendered:
        profile = self._profile
        if template.type is NotificationType.SMS:
            prefix = service.name if service.prefix_sms else None
            rendered = sms.render_sms(template.body, values, prefix=prefix)
            body = rendered.message if profile.sms_body_includes_prefix else rendered.body
            count = (
                rendered.message_bytes
                if profile.sms_limit_counts_prefix
                else rendered.content_count
            )
            result = Rendered(body, None, rendered.fragment_count)
            if check:
                self._check_sms_length(count)
        else:
            body = email_render.email_body(template.body, values)
            subject = email_render.email_subject(template.subject or "", values)
            result = Rendered(body, subject, 0)
            if check:
                self._check_email_length(body)
        if check and not body.strip():
            raise BadRequestError(self._texts.message_empty)
        return result

    def _check_sms_length(self, count: int) -> None:
        limit = self._profile.sms_char_limit
        if count > limit:
            raise BadRequestError(self._texts.sms_too_long.format(limit=limit, count=count))

    def _check_email_length(self, body: str) -> None:
        limit = self._profile.email_max_bytes
        size = len(body.encode("utf-8"))
        if limit is not None and size > limit:
            raise BadRequestError(self._texts.email_too_long.format(limit=limit, count=size))


def _visible(entry: ServiceEntry | None, template_id: str) -> Template | None:
    template = entry.templates.get(template_id) if entry else None
    return None if template is None or template.hidden else template

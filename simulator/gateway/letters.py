"""The letter use cases: POST /v2/notifications/letter (templated or precompiled) and its PDF.

Notify's order (alphagov/notifications-api ``app/v2/notifications/post_notifications.py``):
rate limit and allowance (taken by the caller, before the body), schema, the ``letter``
permission, the template and its placeholders, then ``process_letter_notification``: team
keys refused, trial services refused for non-test keys, then the address (or, precompiled,
the base64). ``get_notifications.py`` ``get_pdf_for_notification`` gives the PDF's errors.

A templated letter is rendered at once and its PDF kept; GET .../pdf answers
``PDFNotReadyError`` until ``letter_pdf_delay`` has passed, as Notify's is made by a task.
"""

from __future__ import annotations

import asyncio
import html
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from simulator.config import SimulatorTiming
from simulator.domain import email_render
from simulator.domain.countries import Countries
from simulator.domain.errors import BadRequestError, NotifyError, ValidationError
from simulator.domain.ids import RandomIds
from simulator.domain.letter_pdf import LetterContent, render_letter_pdf
from simulator.domain.letter_schemas import validate_post_letter, validate_post_precompiled_letter
from simulator.domain.letters import LetterRules, billable_sheets
from simulator.domain.models import KeyType, Notification, NotificationType, Status, Template
from simulator.domain.ports import FileStore, NotificationStore, StoredFile
from simulator.domain.postal_address import validate_address
from simulator.domain.precompiled import decode_letter_content, read_precompiled
from simulator.domain.profiles import Profile
from simulator.gateway.callback_planner import CallbackPlanner
from simulator.gateway.content import ContentChecks
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.principal import Principal

__all__ = ["LETTER_PDF", "LetterOutcome", "LetterService", "LetterTiming"]

LETTER_PDF = "letter-pdf"
_LONDON = ZoneInfo("Europe/London")
_PRECOMPILED_TO = "Provided as PDF"  # Notify's recipient until the PDF is read


@dataclass(frozen=True, slots=True)
class LetterTiming:
    # SANDBOX_LETTER_PDF_DELAY: seconds before a templated letter's PDF can be fetched
    pdf_delay: float = 2.0
    # SANDBOX_LETTER_DELIVERY_DELAY: seconds from `accepted` to `received` at the print outbox
    delivery_delay: float = 5.0


@dataclass(frozen=True, slots=True)
class LetterOutcome:
    notification: Notification
    precompiled: bool


def letter_date(moment: datetime) -> str:
    local = moment.astimezone(_LONDON)
    return f"{local.day} {local.strftime('%B %Y')}"


def letter_content(n: Notification, template: Template, values: Mapping[str, Any]) -> LetterContent:
    return LetterContent(
        address_lines=n.to.splitlines(),
        contact_block=template.letter_contact_block or "",
        date=letter_date(n.created_at),
        subject=html.unescape(n.subject or ""),  # the PDF shows the escaped text as HTML would
        body=n.body,
    )


class LetterService:
    def __init__(
        self,
        *,
        profile: Profile,
        rules: LetterRules,
        countries: Countries,
        postcode_zones: tuple[str, ...],
        directory: ServiceDirectory,
        store: NotificationStore,
        files: FileStore,
        clock: Callable[[], datetime],
        unique_now: Callable[[], datetime],
        timing: SimulatorTiming,
        letter_timing: LetterTiming,
        callbacks: CallbackPlanner,
        on_scheduled: Callable[[datetime], None],
    ) -> None:
        self._profile = profile
        self._rules = rules
        self._texts = rules.texts
        self._countries = countries
        self._zones = postcode_zones
        self._content = ContentChecks(profile, directory)
        self._store = store
        self._files = files
        self._now = clock
        self._unique_now = unique_now
        self._timing = timing
        self._letter_timing = letter_timing
        self._callbacks = callbacks
        self._on_scheduled = on_scheduled
        self._ids = RandomIds()

    async def send(self, principal: Principal, body: Any) -> LetterOutcome:
        """The caller gives back the allowance it took if this raises."""
        if isinstance(body, dict) and "content" in body:
            return LetterOutcome(await self._precompiled(principal, body), True)
        return LetterOutcome(await self._templated(principal, body or {}), False)

    # -- the checks ------------------------------------------------------------------------
    def _permission(self, principal: Principal) -> None:
        if "letter" not in principal.service.permissions:
            raise BadRequestError(
                self._profile.messages.service_not_allowed.format(plural="letters")
            )

    def _who_may_send(self, principal: Principal) -> None:
        key_type = principal.key.key_type
        if key_type is KeyType.TEAM:
            raise BadRequestError(self._texts.team_key, 403)
        if principal.service.restricted and key_type is not KeyType.TEST:
            raise BadRequestError(self._texts.trial_mode, 403)

    async def _templated(self, principal: Principal, body: Any) -> Notification:
        errors = validate_post_letter(body, self._profile.reference_max_length)
        if errors:
            raise ValidationError(errors)
        self._permission(principal)
        values = dict(body.get("personalisation") or {})
        template = await self._content.template(
            principal.service, body["template_id"], NotificationType.LETTER
        )
        self._content.check_personalisation(template, values)
        self._who_may_send(principal)
        address = validate_address(
            values,
            countries=self._countries,
            zones=self._zones,
            allow_international="international_letters" in principal.service.permissions,
            texts=self._texts.address,
        )
        postage = address.postage_zone if address.international else None
        n = self._notification(principal, template, body, "\n".join(address.lines))
        n.body = email_render.email_body(template.body, values)
        n.subject = email_render.email_subject(template.subject or "", values, escape_html=True)
        n.postage = postage or template.postage or "second"
        n.personalisation = values
        pdf = await asyncio.to_thread(render_letter_pdf, letter_content(n, template, values))
        pages = read_precompiled(pdf)
        n.billable_units = billable_sheets(pages.pages if pages else 1)
        outcome = self._profile.simulation.letter_outcome(address.lines[0])
        self._plan(n, outcome.status, start=Status.CREATED)
        await self._keep(
            n, pdf, precompiled=False, retention_days=principal.service.data_retention_days
        )
        return n

    async def _precompiled(self, principal: Principal, body: dict[str, Any]) -> Notification:
        errors = validate_post_precompiled_letter(body)
        if errors:
            raise ValidationError(errors)
        self._permission(principal)
        self._who_may_send(principal)
        pdf = decode_letter_content(body["content"])
        if pdf is None:
            raise BadRequestError(self._texts.bad_base64)
        read = read_precompiled(pdf)
        if read is None:
            raise BadRequestError(self._texts.not_a_pdf)
        template = _precompiled_template(principal.service.id)
        n = self._notification(principal, template, body, _PRECOMPILED_TO)
        n.postage = body.get("postage") or "second"
        n.subject = template.subject  # GET shows the hidden template's subject and empty body
        n.personalisation = {"address_line_1": _PRECOMPILED_TO}
        n.billable_units = billable_sheets(read.pages)
        planned = Status.DELIVERED
        if read.pages > self._rules.max_pages or not read.a4_portrait:
            planned = Status.VALIDATION_FAILED  # template-preview's checks, after the 201
        else:
            for line in read.first_page_text.splitlines():
                magic = self._profile.simulation.letter_outcome(line)
                if magic.status is not Status.DELIVERED:
                    planned = magic.status
                    break
        self._plan(n, planned, start=Status.PENDING_VIRUS_CHECK)
        await self._keep(
            n, pdf, precompiled=True, retention_days=principal.service.data_retention_days
        )
        return n

    # -- building and keeping ------------------------------------------------------------------
    def _notification(
        self, principal: Principal, template: Template, body: Mapping[str, Any], to: str
    ) -> Notification:
        return Notification(
            id=self._ids(),
            service_id=principal.service.id,
            api_key_id=principal.key.id,
            key_type=principal.key.key_type,
            type=NotificationType.LETTER,
            status=Status.CREATED,
            to=to,
            normalised_to=to,
            template_id=template.id,
            template_version=template.version,
            created_at=self._unique_now(),
            body="",
            reference=body.get("reference"),
        )

    def _plan(self, n: Notification, planned: Status, *, start: Status) -> None:
        """Test keys move on the simulator's clock; others go to the print outbox."""
        n.status = start
        now = n.created_at
        if n.key_type is not KeyType.TEST:
            # a failure the sandbox was asked for still ends the letter; else it is printed
            n.planned_status = None if planned is Status.DELIVERED else planned
            n.next_action_at = now + timedelta(
                seconds=self._timing.sending_delay if start is Status.PENDING_VIRUS_CHECK else 0
            )
            return
        n.planned_status = planned
        if self._timing.immediate:
            n.status = planned
            n.sent_at = n.updated_at = now
            return
        n.next_action_at = now + timedelta(seconds=self._timing.sending_delay)

    async def _keep(
        self, n: Notification, pdf: bytes, *, precompiled: bool, retention_days: int
    ) -> None:
        # the file first: a crash in between leaves an unused file, never a letter without one
        await self._files.put_file(
            StoredFile(
                id=n.id,
                kind=LETTER_PDF,
                service_id=n.service_id,
                notification_id=n.id,
                content=pdf,
                created_at=n.created_at,
                meta={"precompiled": precompiled},
                expires_at=n.created_at + timedelta(days=retention_days),
            )
        )
        callback = None
        if n.next_action_at is None:  # already final
            callback = await self._callbacks.for_status(n, n.status, n.created_at, n.sent_at)
        await self._store.add_notification(n, callback=callback)
        self._on_scheduled(n.next_action_at or n.created_at)

    # -- GET /v2/notifications/{id}/pdf -----------------------------------------------------
    async def pdf(self, n: Notification) -> bytes:
        if n.type is not NotificationType.LETTER:
            raise BadRequestError(self._profile.messages.not_a_letter)
        if n.status is Status.VIRUS_SCAN_FAILED:
            raise BadRequestError(self._texts.virus_scan_failed)
        if n.status is Status.TECHNICAL_FAILURE:
            raise BadRequestError(self._texts.pdf_unavailable.format(status=n.status.value))
        not_ready = NotifyError(self._texts.pdf_not_ready, error="PDFNotReadyError")
        if n.status is Status.PENDING_VIRUS_CHECK:
            raise not_ready
        stored = await self._files.get_file(LETTER_PDF, n.id)
        if stored is None:
            raise not_ready
        ready_at = n.created_at + timedelta(seconds=self._letter_timing.pdf_delay)
        if not stored.meta.get("precompiled") and self._now() < ready_at:
            raise not_ready
        return stored.content


def _precompiled_template(service_id: str) -> Template:
    # Notify keeps one hidden "Pre-compiled PDF" template per service
    return Template(
        id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"notify-sandbox/precompiled/{service_id}")),
        service_id=service_id,
        type=NotificationType.LETTER,
        name="Pre-compiled PDF",
        body="",
        subject="Pre-compiled PDF",
        hidden=True,
        postage="second",
    )

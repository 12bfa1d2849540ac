"""GC's bulk send, POST /v2/notifications/bulk (contract 3.9): check everything, keep the job.

The order is GC's post_bulk: schema, ``rows`` or ``csv``, template, permission, sender,
the spreadsheet (bulk_sheet.py), each row's length (612 with the prefix), testing and
real numbers mixed, then the annual and daily limits (429s, as single sends). Only a
job that passes them all is stored; its notifications are created by the job runner.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from simulator.domain.bulk_schema import BulkSchema
from simulator.domain.clock import SandboxClock
from simulator.domain.errors import BadRequestError, ValidationError
from simulator.domain.jobs import BulkRules, Job, JobRow, JobStatus
from simulator.domain.models import KeyType, NotificationType, Service, Template
from simulator.domain.ports import JobStore
from simulator.domain.profiles import Profile
from simulator.domain.recipient_sheet import RecipientSheet, SheetRow
from simulator.domain.schemas import GC_SCHEDULE_TEXTS, parse_scheduled_for
from simulator.domain.templating import placeholders
from simulator.gateway.allowances import Allowances
from simulator.gateway.auth import Principal
from simulator.gateway.bulk_sheet import Remaining, SheetChecks, read_sheet
from simulator.gateway.content import ContentChecks
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.recipient_checks import RecipientChecks
from simulator.gateway.senders import pick_sender

__all__ = ["BulkService"]

_PLURALS = {"sms": "text messages", "email": "emails", "letter": "letters"}
_PERIODS = {"year": "annual", "day": "daily"}


class BulkService:
    def __init__(
        self,
        *,
        profile: Profile,
        rules: BulkRules,
        directory: ServiceDirectory,
        store: JobStore,
        allowances: Allowances,
        clock: SandboxClock,
        on_job_added: Callable[[], None] = lambda: None,
    ) -> None:
        self._profile = profile
        self._rules = rules
        self._texts = rules.texts
        self._directory = directory
        self._store = store
        self._allowances = allowances
        self._clock = clock
        self._on_job_added = on_job_added
        self._content = ContentChecks(profile, directory)
        self._recipients = RecipientChecks(profile)
        self._sheet_checks = SheetChecks(rules)
        self._schema = BulkSchema(
            max_rows=rules.max_rows,
            clock=clock.now,
            hours_ahead=profile.schedule_hours_ahead,
            texts=GC_SCHEDULE_TEXTS,
        )

    def body_schema(self) -> dict[str, Any]:
        return self._schema.document()

    async def submit(self, principal: Principal, body: object) -> Job:
        errors = self._schema.validate(body)
        if errors:
            raise ValidationError(errors)
        assert isinstance(body, dict)
        service = principal.service
        if not service.active:
            raise BadRequestError(self._profile.messages.service_suspended, 403)
        if len([source for source in (body.get("rows"), body.get("csv")) if source]) != 1:
            raise BadRequestError(self._texts.rows_or_csv)
        template = await self._template(service, body["template_id"])
        kind = template.type
        if kind is NotificationType.LETTER or kind.value not in service.permissions:
            plural = _PLURALS[kind.value]
            raise BadRequestError(self._profile.messages.service_not_allowed.format(plural=plural))
        remaining = [
            Remaining(_PERIODS[rule.period], places)
            for rule, places in await self._allowances.remaining(service, kind.value)
        ]
        sender_id = body.get("reply_to_id") or None
        sender = pick_sender(self._profile, service, kind, sender_id)
        texts = (template.subject or "", template.body) if template.subject else (template.body,)
        sheet = read_sheet(self._rules, body, kind, placeholders(*texts))
        self._sheet_checks.check_shape(sheet, notification_type=kind, remaining=remaining)
        rows = self._rows(sheet, service, kind)
        self._sheet_checks.check_rows(
            rows,
            principal=principal,
            may_send_to=lambda to: self._recipients.may_send_to(principal, kind, to),
        )
        fragments = self._measure(service, template, rows) if kind is NotificationType.SMS else 0
        counted = self._check_mixed(principal, kind, rows)
        reservations = []
        if counted:
            reservations = await self._allowances.reserve_batch(
                service, kind.value, len(rows), fragments
            )
        job = self._job(principal, template, body, rows, sender_id, sender)
        try:
            await self._store.add_job(job)
        except BaseException:
            await self._allowances.release(reservations)
            raise
        self._on_job_added()
        return job

    async def _template(self, service: Service, template_id: str) -> Template:
        entry = await self._directory.entry(service.id)
        found = entry.templates.get(template_id) if entry else None
        kind = found.type if found is not None else NotificationType.SMS
        # the type is the template's own: the checks are those of a single send
        return await self._content.template(service, template_id, kind)

    def _rows(
        self, sheet: RecipientSheet, service: Service, kind: NotificationType
    ) -> list[SheetRow]:
        def valid(value: str) -> bool:
            return self._recipients.row_recipient(service, kind, value) is not None

        return list(sheet.rows(valid))

    def _measure(self, service: Service, template: Template, rows: Sequence[SheetRow]) -> int:
        """Each row's text message against the length limit; the job's fragments."""
        fragments = 0
        for row in rows:
            try:
                rendered = self._content.render(service, template, row.personalisation)
            except BadRequestError:
                text = self._texts.row_too_long
                raise BadRequestError(
                    text.format(row=row.index + 1, limit=self._profile.sms_char_limit)
                ) from None
            fragments += rendered.units
        return fragments

    def _check_mixed(
        self, principal: Principal, kind: NotificationType, rows: Sequence[SheetRow]
    ) -> bool:
        """Whether the job counts against the limits; refuses simulated and real numbers mixed."""
        if kind is not NotificationType.SMS:
            return principal.key.key_type is not KeyType.TEST
        # GC compares the numbers as written with its simulated list
        simulated = self._profile.simulation.smoke_test_sms
        count = sum(1 for row in rows if row.recipient in simulated)
        is_test = principal.key.key_type is KeyType.TEST
        if not is_test and 0 < count < len(rows):
            raise BadRequestError(self._texts.mixed_recipients)
        return not is_test and count < len(rows)

    def _job(
        self,
        principal: Principal,
        template: Template,
        body: dict[str, object],
        rows: Sequence[SheetRow],
        sender_id: object,
        sender: str | None,
    ) -> Job:
        scheduled = body.get("scheduled_for")
        scheduled_for: datetime | None = (
            parse_scheduled_for(scheduled) if isinstance(scheduled, str) else None
        )
        return Job(
            id=str(uuid.uuid4()),
            service_id=principal.service.id,
            template_id=template.id,
            template_version=template.version,
            template_type=template.type,
            original_file_name=str(body["name"]),
            notification_count=len(rows),
            job_status=JobStatus.SCHEDULED if scheduled_for else JobStatus.PENDING,
            api_key_id=principal.key.id,
            key_type=principal.key.key_type,
            created_at=self._clock.now(),
            rows=[JobRow(r.index, r.recipient or "", r.personalisation) for r in rows],
            sender_id=str(sender_id) if sender_id else None,
            sender=sender,
            scheduled_for=scheduled_for,
        )

"""A bulk job's rows made into notifications, each as a single send would have made it.

The template is the version the job was accepted with; the recipient, rendering and
simulated-or-provider path are a single send's. Ids are derived from the job and the
row, so making a row twice (after a restart) gives the same notification.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence

import structlog

from simulator.config import SimulatorTiming
from simulator.domain.clock import SandboxClock
from simulator.domain.faults import FaultBook
from simulator.domain.jobs import Job, JobRow
from simulator.domain.models import (
    Notification,
    NotificationType,
    Service,
    Status,
    Template,
)
from simulator.domain.profiles import Profile
from simulator.domain.timeline import may_store_once, plan_timeline
from simulator.gateway.content import ContentChecks
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.phone_network import PhoneNetworkLimits
from simulator.gateway.recipient_checks import RecipientChecks
from simulator.gateway.send_faults import row_fault

__all__ = ["JobNotifications", "job_notification_id", "job_row_numbers"]

log = structlog.get_logger("simulator.jobs")

_NAMESPACE = uuid.UUID("0b8f3c1e-6a52-4f0e-9d7a-3c5e8b1f2a64")


def job_notification_id(job_id: str, row_index: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{job_id}:{row_index}"))


def job_row_numbers(job: Job) -> dict[str, int]:
    """Each of the job's notification ids and the row it came from (ids derive from both)."""
    return {job_notification_id(job.id, i): i for i in range(job.notification_count)}


class JobNotifications:
    def __init__(
        self,
        *,
        profile: Profile,
        directory: ServiceDirectory,
        clock: SandboxClock,
        timing: SimulatorTiming,
        faults: FaultBook | None = None,
        phone_network: PhoneNetworkLimits | None = None,
    ) -> None:
        self._phone_network = phone_network
        self._faults = faults or FaultBook(random=random.random)
        self._profile = profile
        self._directory = directory
        self._clock = clock
        self._timing = timing
        self._content = ContentChecks(profile, directory)
        self._recipients = RecipientChecks(profile)

    async def sources(self, job: Job) -> tuple[Service, Template] | None:
        """The service and the job's template version; None if either has gone."""
        entry = await self._directory.entry(job.service_id)
        template = await self._directory.template_version(
            job.service_id, job.template_id, job.template_version
        )
        if entry is None or template is None:
            return None
        return entry.service, template

    async def build(
        self, job: Job, service: Service, template: Template, rows: Sequence[JobRow]
    ) -> list[Notification]:
        made = []
        for row in rows:
            notification = self._one(job, service, template, row)
            if notification is not None:
                if self._phone_network is not None:
                    await self._phone_network.count(notification)
                made.append(notification)
        return made

    def _one(
        self, job: Job, service: Service, template: Template, row: JobRow
    ) -> Notification | None:
        recipient = self._recipients.row_recipient(service, job.template_type, row.recipient)
        if recipient is None:  # the service's permissions changed since the job was accepted
            log.warning("job_row_skipped", job_id=job.id, row=row.index)
            return None
        if recipient.simulated:  # smoke-test recipients are answered, never stored
            return None
        rendered = self._content.render(service, template, row.personalisation, check=False)
        is_sms = template.type is NotificationType.SMS
        notification = Notification(
            id=job_notification_id(job.id, row.index),
            service_id=service.id,
            api_key_id=job.api_key_id,
            key_type=job.key_type,
            type=template.type,
            status=Status.CREATED,
            to=recipient.to,
            normalised_to=recipient.normalised,
            template_id=template.id,
            template_version=template.version,
            created_at=self._clock.unique_now(),
            body=rendered.body,
            subject=rendered.subject,
            billable_units=rendered.units,
            international=bool(recipient.phone and recipient.phone.international),
            sender=job.sender if is_sms else None,
            reply_to=None if is_sms else job.sender,
            job_id=job.id,
        )
        notification.personalisation = dict(row.personalisation)
        self._plan(notification, service)
        return notification

    def _plan(self, notification: Notification, service: Service) -> None:
        """As a single send: the simulator for test keys (faults included), else providers."""
        forced = row_fault(
            self._faults, notification.service_id, notification.type, notification.to
        )
        plan_timeline(
            notification,
            simulation=self._profile.simulation,
            sending_delay=self._timing.sending_delay,
            immediate=self._timing.immediate,
            forced=forced,
            delivery_delay=self._timing.delivery_delay,
            store_once=may_store_once(service, wall_clock=self._clock.is_wall_time),
            sms_in_flight=self._profile.sms_hand_off_status,
        )

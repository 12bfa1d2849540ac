"""The gateway's send use case wired on the fakes of the ports, as app.py wires it on adapters.

One place builds it, so a change to a constructor is met here once. ``SendKit`` keeps the
fakes and what the use case told its listeners (schedules, key events, queued callbacks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from simulator.app import _schemas, load_profile
from simulator.config import Config, SimulatorTiming
from simulator.domain.clock import SandboxClock
from simulator.domain.models import (
    ApiKey,
    KeyType,
    NotificationType,
    Service,
    TeamMember,
    Template,
)
from simulator.domain.profiles import Profile
from simulator.gateway.callback_planner import CallbackPlanner
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.principal import Principal
from simulator.gateway.send import SendService
from simulator.gateway.send_a_file import DocumentLinks
from tests.unit.fakes import FakeDirectoryStore, FakeFileStore, FakeLimiter, FakeNotificationStore

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SMS_TEMPLATE = "f0e1d2c3-b4a5-4968-8776-655443322110"
EMAIL_TEMPLATE = "0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d"
LETTER_TEMPLATE = "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e"


@dataclass
class SendKit:
    profile: Profile
    clock: SandboxClock
    directory_store: FakeDirectoryStore
    directory: ServiceDirectory
    store: FakeNotificationStore
    limiter: FakeLimiter
    files: FakeFileStore
    sender: SendService
    scheduled: list[datetime] = field(default_factory=list)
    key_events: list[tuple[str, str, str]] = field(default_factory=list)
    callbacks_queued: list[None] = field(default_factory=list)

    def principal(self, service: Service, key_type: KeyType) -> Principal:
        key = ApiKey(
            id=f"{key_type.value}-key-{service.id[:8]}",
            service_id=service.id,
            name=f"{key_type.value} key",
            key_type=key_type,
            secret="3d5c1a2b-0000-4000-8000-00000000000a",
            created_at=NOW,
        )
        self.directory_store.keys[key.id] = key
        return Principal(service, key)


def profile_named(name: str) -> Profile:
    """The profile with its shipped magic recipients, as the server loads it."""
    return load_profile(Config(profile=name))


def send_kit(
    profile_name: str = "uk",
    *,
    services: tuple[Service, ...] = (),
    timing: SimulatorTiming | None = None,
) -> SendKit:
    profile = profile_named(profile_name)
    clock = SandboxClock()
    clock.set(NOW)
    directory_store = FakeDirectoryStore()
    for service in services:
        directory_store.services[service.id] = service
        for template in templates_of(service.id):
            directory_store.templates[(template.id, template.version)] = template
    directory = ServiceDirectory(directory_store, ttl=0)  # every use case sees a change at once
    store, limiter, files = FakeNotificationStore(), FakeLimiter(), FakeFileStore()
    scheduled: list[datetime] = []
    key_events: list[tuple[str, str, str]] = []
    queued: list[None] = []
    sender = SendService(
        profile=profile,
        directory=directory,
        store=store,
        schemas=_schemas(profile, clock),
        limiter=limiter,
        clock=clock,
        timing=timing or SimulatorTiming(),
        email_domain="notify.sandbox.test",
        # when the worker hears a new row's first step is due
        on_stored=lambda made: scheduled.extend(n.next_action_at or n.created_at for n in made),
        on_key_event=lambda key, event, detail: key_events.append((key.id, event, detail)),
        callbacks=CallbackPlanner(
            directory,
            status_descriptions=profile.status_descriptions,
            simulation=profile.simulation,
        ),
        on_callback_queued=lambda: queued.append(None),
        documents=DocumentLinks(
            files=files, clock=clock.now, public_base_url="http://sandbox.test"
        ),
    )
    return SendKit(
        profile,
        clock,
        directory_store,
        directory,
        store,
        limiter,
        files,
        sender,
        scheduled,
        key_events,
        queued,
    )


def templates_of(service_id: str) -> list[Template]:
    return [
        Template(SMS_TEMPLATE, service_id, NotificationType.SMS, "Code", "Your code is ((code))"),
        Template(
            EMAIL_TEMPLATE,
            service_id,
            NotificationType.EMAIL,
            "Welcome",
            "Hello ((name))",
            subject="Welcome, ((name))",
        ),
        Template(
            LETTER_TEMPLATE,
            service_id,
            NotificationType.LETTER,
            "Reminder",
            "Your appointment is on ((day)).",
            subject="Appointment",
            postage="second",
        ),
    ]


def uk_service(
    service_id: str,
    *,
    restricted: bool,
    guest_list: tuple[str, ...] = (),
    callbacks: dict[str, dict[str, str]] | None = None,
    rate_limit: int = 3000,
) -> Service:
    return Service(
        id=service_id,
        name=f"Service {service_id[:4]}",
        restricted=restricted,
        team=(TeamMember("Ada", "ada@example.gov.uk", "07700900465"),),
        guest_list=guest_list,
        callbacks=callbacks or {},
        rate_limit=rate_limit,
        permissions=frozenset({"sms", "email", "letter", "international_sms"}),
    )

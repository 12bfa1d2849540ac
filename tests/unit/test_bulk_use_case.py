"""GC's bulk send (POST /v2/notifications/bulk) on in-memory fakes of the ports.

What BulkService decides before a job is kept: one source of rows, the template, the
allow-list for team keys and trial services, no mix of testing and real numbers, the
annual and daily allowances for the whole job at once (given back if the job cannot be
stored). The job runner creates the notifications later; here only the job is stored.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from simulator.domain.clock import SandboxClock
from simulator.domain.errors import NotifyError
from simulator.domain.jobs import JobStatus
from simulator.domain.models import ApiKey, KeyType, NotificationType, Service, TeamMember
from simulator.gateway.allowances import Allowances
from simulator.gateway.bulk import BulkService
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.principal import Principal
from tests.unit.fakes import FakeDirectoryStore, FakeJobStore, FakeLimiter
from tests.unit.send_kit import NOW, SMS_TEMPLATE, profile_named, templates_of

SERVICE_ID = "0b2d4f6a-8c0e-4b2d-9f6a-8c0e2b4d6f8a"
TEAM = "+16135550101"
OTHERS = ["+16135550111", "+16135550112"]
SIMULATED = "+16132532222"  # one of GC's smoke-test numbers


class Bulk:
    def __init__(self, *, restricted: bool = False) -> None:
        profile = profile_named("ca")
        assert profile.bulk is not None
        self.clock = SandboxClock()
        self.clock.set(NOW)
        self.service = Service(
            SERVICE_ID,
            "Bulk sender",
            restricted=restricted,
            team=(TeamMember("Grace", "grace@example.ca", TEAM),),
        )
        directory_store = FakeDirectoryStore()
        directory_store.services[SERVICE_ID] = self.service
        for t in templates_of(SERVICE_ID):
            directory_store.templates[(t.id, t.version)] = t
        self.jobs, self.limiter = FakeJobStore(), FakeLimiter()
        self.added: list[None] = []
        self.bulk = BulkService(
            profile=profile,
            rules=profile.bulk,
            directory=ServiceDirectory(directory_store, ttl=0),
            store=self.jobs,
            allowances=Allowances(
                profile=profile,
                limiter=self.limiter,
                clock=self.clock,
                on_key_event=lambda *_: None,
            ),
            clock=self.clock,
            on_job_added=lambda: self.added.append(None),
        )

    def principal(self, key_type: KeyType) -> Principal:
        key = ApiKey(f"{key_type}-key", SERVICE_ID, "CI key", key_type, "s", NOW)
        return Principal(self.service, key)


def body(*numbers: str, **extra: object) -> dict[str, object]:
    rows = [["phone number", "code"], *([n, "1234"] for n in numbers)]
    return {"name": "job.csv", "template_id": SMS_TEMPLATE, "rows": rows, **extra}


async def test_a_live_job_is_stored_with_its_rows_and_takes_the_places_of_all_of_them() -> None:
    b = Bulk()
    job = await b.bulk.submit(b.principal(KeyType.NORMAL), body(*OTHERS, TEAM))

    assert b.jobs.jobs[job.id] == job
    assert (job.job_status, job.notification_count, job.template_type) == (
        JobStatus.PENDING,
        3,
        NotificationType.SMS,
    )
    first = job.rows[0]
    assert (first.index, first.recipient, first.personalisation) == (0, OTHERS[0], {"code": "1234"})
    assert sorted(r.count for r in b.limiter.reservations) == [3, 3]  # daily and annual
    assert b.limiter.released == [] and len(b.added) == 1


async def test_a_scheduled_job_waits() -> None:
    b = Bulk()
    at = (NOW + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S")
    job = await b.bulk.submit(b.principal(KeyType.NORMAL), body(TEAM, scheduled_for=at))
    assert job.job_status is JobStatus.SCHEDULED
    assert job.scheduled_for is not None and job.scheduled_for - NOW == timedelta(hours=2)


async def test_a_test_key_job_takes_no_allowance() -> None:
    b = Bulk()
    await b.bulk.submit(b.principal(KeyType.TEST), body(*OTHERS))
    assert len(b.jobs.jobs) == 1 and b.limiter.reservations == []


async def test_rows_and_csv_together_are_refused() -> None:
    b = Bulk()
    both = body(TEAM, csv="phone number,code\n+16135550101,1\n")
    with pytest.raises(NotifyError, match="You should specify either rows or csv"):
        await b.bulk.submit(b.principal(KeyType.NORMAL), both)
    assert (b.jobs.jobs, b.limiter.reservations, b.added) == ({}, [], [])


async def test_a_team_key_job_with_a_stranger_in_it_is_refused() -> None:
    b = Bulk()
    with pytest.raises(NotifyError, match="because you used a team and safelist API key"):
        await b.bulk.submit(b.principal(KeyType.TEAM), body(TEAM, OTHERS[0]))
    assert b.jobs.jobs == {} and b.limiter.reservations == []


async def test_a_trial_service_gets_the_trial_text_even_with_a_team_key() -> None:
    b = Bulk(restricted=True)
    with pytest.raises(NotifyError, match="because your service is in trial mode"):
        await b.bulk.submit(b.principal(KeyType.TEAM), body(OTHERS[0]))
    await b.bulk.submit(b.principal(KeyType.TEAM), body(TEAM))
    assert len(b.jobs.jobs) == 1


async def test_testing_and_real_numbers_mixed_are_refused() -> None:
    b = Bulk()
    with pytest.raises(
        NotifyError, match="Bulk sending to testing and non-testing numbers is not supported"
    ):
        await b.bulk.submit(b.principal(KeyType.NORMAL), body(SIMULATED, TEAM))
    assert b.jobs.jobs == {}


async def test_a_job_larger_than_the_day_s_remaining_places_is_refused() -> None:
    b = Bulk(restricted=True)  # 50 fragments a day
    principal = b.principal(KeyType.NORMAL)
    await b.bulk.submit(principal, body(*[TEAM] * 49))
    with pytest.raises(NotifyError) as caught:
        await b.bulk.submit(principal, body(TEAM, TEAM))
    assert caught.value.message == (
        "You only have 1 remaining sms messages before you reach your daily limit. "
        "You've tried to send 2 sms messages."
    )
    assert len(b.jobs.jobs) == 1


async def test_a_job_the_store_cannot_keep_gives_its_places_back() -> None:
    b = Bulk()
    b.jobs.fail_adds = ConnectionError("database went away")
    with pytest.raises(ConnectionError):
        await b.bulk.submit(b.principal(KeyType.NORMAL), body(*OTHERS))
    assert b.limiter.used(SERVICE_ID, "sms") == 0
    assert len(b.limiter.released) == len(b.limiter.reservations) == 2
    assert b.added == []

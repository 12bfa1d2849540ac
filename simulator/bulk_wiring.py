"""Wires GC's bulk sends (contract 3.9) where the profile has them: the use case and its runner.

Kept apart from app.py's ``_wire`` so the composition root only asks for the two parts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from simulator.config import Config
from simulator.delivery.job_runner import JobRunner
from simulator.domain.clock import SandboxClock
from simulator.domain.faults import FaultBook
from simulator.domain.models import Notification
from simulator.domain.ports import Limiter, Store
from simulator.domain.profiles import Profile
from simulator.gateway.allowances import Allowances
from simulator.gateway.bulk import BulkService
from simulator.gateway.bulk_reads import BulkReads
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.job_notifications import JobNotifications
from simulator.gateway.phone_network import PhoneNetworkLimits

__all__ = ["wire_bulk", "wire_bulk_reads"]


def wire_bulk(
    *,
    config: Config,
    profile: Profile,
    clock: SandboxClock,
    store: Store,
    limiter: Limiter,
    directory: ServiceDirectory,
    on_created: Callable[[Sequence[Notification]], None],
    faults: FaultBook,
) -> tuple[BulkService | None, JobRunner | None]:
    """(the bulk use case, its job runner); both None where the profile has no bulk route."""
    if profile.bulk is None:
        return None, None
    runner = JobRunner(
        store=store,
        notifications=JobNotifications(
            profile=profile,
            directory=directory,
            clock=clock,
            timing=config.timing,
            faults=faults,
            phone_network=(
                PhoneNetworkLimits(rules=profile.phone_network, limiter=limiter, clock=clock)
                if profile.phone_network
                else None
            ),
        ),
        clock=clock,
        on_created=on_created,
        poll_seconds=config.worker_poll_seconds,
    )
    bulk = BulkService(
        profile=profile,
        rules=profile.bulk,
        directory=directory,
        store=store,
        allowances=Allowances(
            profile=profile, limiter=limiter, clock=clock, on_key_event=lambda *_: None
        ),
        clock=clock,
        on_job_added=runner.notify,
    )
    return bulk, runner


def wire_bulk_reads(
    *,
    profile: Profile,
    clock: SandboxClock,
    store: Store,
    directory: ServiceDirectory,
    limiter: Limiter,
) -> BulkReads | None:
    """Reading jobs back and cancelling them; None where the profile has no bulk route."""
    if profile.bulk is None:
        return None
    return BulkReads(
        store=store,
        directory=directory,
        texts=profile.bulk.texts,
        clock=clock,
        page_size=profile.api_page_size,
        allowances=Allowances(
            profile=profile, limiter=limiter, clock=clock, on_key_event=lambda *_: None
        ),
    )

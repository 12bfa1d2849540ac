"""Wires GC's legacy v1 API (``/notifications``) where the profile has it.

Kept apart from app.py's ``_wire`` so the composition root only asks for the two parts.
"""

from __future__ import annotations

from collections.abc import Callable

from simulator.domain.clock import SandboxClock
from simulator.domain.models import ApiKey
from simulator.domain.ports import Limiter, Store
from simulator.domain.profiles import Profile
from simulator.gateway.allowances import Allowances
from simulator.gateway.content import ContentChecks
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.legacy_reads import LegacyReads
from simulator.gateway.legacy_send import LegacySendService
from simulator.gateway.reads import ReadService
from simulator.gateway.recipient_checks import RecipientChecks
from simulator.gateway.send import SendService

__all__ = ["wire_legacy"]


def wire_legacy(
    *,
    profile: Profile,
    clock: SandboxClock,
    store: Store,
    limiter: Limiter,
    directory: ServiceDirectory,
    sender: SendService,
    reads: ReadService,
    on_key_event: Callable[[ApiKey, str, str], None],
) -> tuple[LegacySendService | None, LegacyReads | None]:
    """(the v1 send, the v1 reads); both None where the profile has no v1 API."""
    rules = profile.legacy_v1
    if rules is None:
        return None, None
    send = LegacySendService(
        profile=profile,
        rules=rules,
        sender=sender,
        allowances=Allowances(
            profile=profile, limiter=limiter, clock=clock, on_key_event=on_key_event
        ),
        content=ContentChecks(profile, directory),
        recipients=RecipientChecks(profile),
    )
    legacy_reads = LegacyReads(
        reads=reads,
        store=store,
        directory=directory,
        clock=clock,
        messages=profile.messages,
        rules=rules,
    )
    return send, legacy_reads

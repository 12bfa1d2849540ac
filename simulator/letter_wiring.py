"""Wires letters (contract 3.3) where the profile has them: the use case and the print outbox.

Kept apart from app.py's ``_wire`` so the composition root only asks for the two parts.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import cache

from simulator.config import Config
from simulator.data import countries
from simulator.delivery.letter_lane import Dispatch, LetterLane, by_channel
from simulator.domain.clock import SandboxClock
from simulator.domain.countries import Countries
from simulator.domain.ports import FileStore, Store
from simulator.domain.profiles import Profile
from simulator.gateway.callback_planner import CallbackPlanner
from simulator.gateway.directory import ServiceDirectory
from simulator.gateway.letters import LetterService, LetterTiming

__all__ = ["wire_letters"]


@cache
def _country_data() -> tuple[Countries, tuple[str, ...]]:
    data = json.loads(countries().read_text("utf-8"))
    return Countries.from_data(data["names"], data["europe"]), tuple(data["uk_postcode_zones"])


def wire_letters(
    *,
    config: Config,
    profile: Profile,
    clock: SandboxClock,
    store: Store,
    files: FileStore,
    directory: ServiceDirectory,
    callbacks: CallbackPlanner,
    on_scheduled: Callable[[datetime], None],
    on_callback_queued: Callable[[], None],
    others: Dispatch,
) -> tuple[LetterService | None, Dispatch]:
    """(the letter use case, the worker's dispatch with letters sent to the print outbox)."""
    if profile.letters is None:
        return None, others
    names, zones = _country_data()
    service = LetterService(
        profile=profile,
        rules=profile.letters,
        countries=names,
        postcode_zones=zones,
        directory=directory,
        store=store,
        files=files,
        clock=clock.now,
        unique_now=clock.unique_now,
        timing=config.timing,
        letter_timing=LetterTiming(config.letter_pdf_delay, config.letter_delivery_delay),
        callbacks=callbacks,
        on_scheduled=on_scheduled,
    )
    lane = LetterLane(
        store=store,
        files=files,
        clock=clock.now,
        delivery_delay=config.letter_delivery_delay,
        callbacks=callbacks,
        on_scheduled=on_scheduled,
        on_callback_queued=on_callback_queued,
    )
    return service, by_channel(lane, others)

"""Profiles: what makes the sandbox behave as GOV.UK Notify or as GC Notify.

A profile is data. Code asks the profile; it never tests the profile's name.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.domain.messages import UK_MESSAGES, Messages
from simulator.domain.simulation import SimulationRules

__all__ = ["Profile", "uk_profile"]


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    messages: Messages
    simulation: SimulationRules
    key_prefix: str = ""
    phone_region: str = "GB"
    email_domain: str = "notifications.service.gov.uk"
    sms_char_limit: int = 918
    email_max_bytes: int = 2_000_000
    default_rate_limit: int = 3000
    reference_max_length: int | None = 1000
    schedule_hours_ahead: int = 24
    honours_scheduled_for: bool = False
    # where each field in the GET notification body comes from is shared; cost data is UK-only
    cost_data: bool = True
    sms_rate: float = 0.024
    api_page_size: int = 250
    # default daily allowances for a live service, per channel
    live_limits: tuple[tuple[str, int], ...] = (
        ("email", 250_000),
        ("sms", 250_000),
        ("international_sms", 100),
        ("letter", 20_000),
    )
    trial_daily_limit: int = 50


def uk_profile(simulation: SimulationRules) -> Profile:
    return Profile(name="uk", messages=UK_MESSAGES, simulation=simulation)

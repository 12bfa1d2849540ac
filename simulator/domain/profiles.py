"""Profiles: what makes the sandbox behave as GOV.UK Notify or as GC Notify.

A profile is data. Code asks the profile; it never tests the profile's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from simulator.domain.allowances import AllowancePlan
from simulator.domain.attachments import AttachmentRules
from simulator.domain.callback_health import SuspensionRules
from simulator.domain.jobs import BulkRules
from simulator.domain.legacy_v1 import LegacyRules
from simulator.domain.letters import LetterRules
from simulator.domain.manage_template import ManageTemplateRules
from simulator.domain.messages import UK_MESSAGES, Messages
from simulator.domain.models import Status
from simulator.domain.phone_network import PhoneNetworkRules
from simulator.domain.phone_rules import UK_PHONES, PhoneRules
from simulator.domain.recipients import UK_EMAIL_RULES, EmailRules
from simulator.domain.reports import ReportRules
from simulator.domain.schemas import UK_SCHEMA, SchemaVariant
from simulator.domain.send_steps import SendStep
from simulator.domain.simulation import SimulationRules

__all__ = ["UK_SEND_STEPS", "Profile", "uk_profile"]

# The order of the checks of a single send (contract 3.4), after auth. UK takes the rate
# limit and the daily allowance before reading the body (see Profile.admit_before_body).
UK_SEND_STEPS: tuple[SendStep, ...] = (
    SendStep.SCHEMA,
    SendStep.FAULTS,
    SendStep.PERMISSION,
    SendStep.SANITISE,
    SendStep.TEMPLATE,
    SendStep.PERSONALISATION,
    SendStep.SENDERS,
    SendStep.RECIPIENT,
    SendStep.INTERNATIONAL_ALLOWANCE,
    SendStep.SEND_A_FILE,
    SendStep.RENDER,
)


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    messages: Messages
    simulation: SimulationRules
    # what this Notify's request schemas accept (statuses, personalisation, extra fields)
    schema: SchemaVariant = UK_SCHEMA
    # loaded by `serve` when no --fixtures is given
    default_fixtures: str = "default.yaml"
    phones: PhoneRules = UK_PHONES
    email_rules: EmailRules = UK_EMAIL_RULES
    key_prefix: str = ""
    # the real service's API documentation, named in the start-up banner
    api_docs_url: str = "https://docs.notifications.service.gov.uk/"
    # -- auth (contract 1.3, 1.4)
    # schemes on whatever SANDBOX_AUTH_SCHEMES says (GC: "apikey-v1")
    builtin_auth_schemes: frozenset[str] = frozenset()
    # GC: the scheme is any case-insensitive prefix and the token is stripped
    lenient_auth_scheme: bool = False
    # GC: a key whose algorithm does not match is skipped, not a failure
    skip_keys_on_bad_algorithm: bool = False
    # GC's ApiKey-v1 does not look at the service; the send answers "Service is suspended"
    full_key_checks_active_service: bool = True
    # -- sends (contract 3.1 to 3.4)
    send_steps: tuple[SendStep, ...] = UK_SEND_STEPS
    admit_before_body: bool = True
    json_content_type_required: bool = False
    email_domain: str = "notifications.service.gov.uk"
    sms_char_limit: int = 918
    # GC: the limit counts the UTF-8 bytes of the prefixed message; UK the unprefixed text
    sms_limit_counts_prefix: bool = False
    # GC: content.body of an SMS carries the "<service name>: " prefix when it is on
    sms_body_includes_prefix: bool = False
    prefix_sms_default: bool = False
    email_max_bytes: int | None = 2_000_000  # None: GC checks no email size
    reference_max_length: int | None = 1000
    schedule_hours_ahead: int = 24
    honours_scheduled_for: bool = False
    language_blocks: bool = False  # GC's [[fr]], [[en]] and [[rtl]] in email
    attachments: AttachmentRules | None = None
    # GC: team and trial sends always reach the simulated (smoke-test) recipients
    simulated_recipients_always_allowed: bool = False
    # -- responses (contract 3.5)
    unsubscribe_links: bool = True  # one_click_unsubscribe_url and sanitised_content
    cost_data: bool = True
    sms_rate: float = 0.024
    api_page_size: int = 250
    # GC: status_description by type and status; None: no status_description/provider_response
    status_descriptions: Mapping[str, Mapping[str, str]] | None = None
    # GC: every SMS shows `sent` once handed off; None: `sending` (`sent` if international)
    sms_hand_off_status: Status | None = None
    # -- limits (contract 7)
    default_rate_limit: int = 3000
    # GC's sliding window allows the whole minute's limit at once; UK's bucket a third
    rate_burst_is_full_limit: bool = False
    # default daily allowances for a live service, per channel
    live_limits: tuple[tuple[str, int], ...] = (
        ("email", 250_000),
        ("sms", 250_000),
        ("international_sms", 100),
        ("letter", 20_000),
    )
    trial_daily_limit: int = 50
    allowances: AllowancePlan | None = None
    # service settings beyond GOV.UK's that the admin API accepts (GC: upload_document, ...)
    extra_permissions: frozenset[str] = frozenset()
    extra_limits: frozenset[str] = frozenset()
    # -- GC-only routes (contract 3.9, 3.10); None: the route-level 404, as in GOV.UK
    bulk: BulkRules | None = None  # POST /v2/notifications/bulk
    manage_templates: ManageTemplateRules | None = None  # /v2/manage-template
    reports: ReportRules | None = None  # /v2/reports
    legacy_v1: LegacyRules | None = None  # GC's /notifications (app/notifications/rest.py)
    # GC suspends a service's callbacks after repeated failures; None: never (GOV.UK)
    callback_suspension: SuspensionRules | None = None
    # the phone networks' hourly limits per recipient, as GC documents them; None: not modelled
    phone_network: PhoneNetworkRules | None = None
    # GET /v2/openapi-<language>: the spec file for each language, in simulator/data/openapi/
    openapi_specs: Mapping[str, str] | None = None
    # letters (contract 3.3); None: letters are off, answered with the permission text (GC)
    letters: LetterRules | None = None


def uk_profile(simulation: SimulationRules) -> Profile:
    return Profile(name="uk", messages=UK_MESSAGES, simulation=simulation, letters=LetterRules())

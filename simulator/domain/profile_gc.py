"""The GC Notify profile (Canada's fork): its data, gathered from the contract.

Sections 1.4, 2.1, 2.3, 3.1 to 3.5, 5.1, 6.2, 7 and 9.4 list what differs from
GOV.UK Notify; each difference is one field of :class:`Profile`.
"""

from __future__ import annotations

from simulator.domain.allowances import Allowance, AllowancePlan
from simulator.domain.attachments import AttachmentRules
from simulator.domain.callback_health import SuspensionRules
from simulator.domain.jobs import BulkRules
from simulator.domain.legacy_v1 import LegacyRules
from simulator.domain.manage_template import ManageTemplateRules
from simulator.domain.messages_gc import (
    GC_BULK_TEXTS,
    GC_FILE_TEXTS,
    GC_LIMIT_TEXTS,
    GC_MANAGE_TEMPLATE_TEXTS,
    GC_MESSAGES,
    GC_REPORT_TEXTS,
    GC_STATUS_DESCRIPTIONS,
)
from simulator.domain.models import Status
from simulator.domain.phone_network import PhoneNetworkRules
from simulator.domain.phones_na import GC_PHONES
from simulator.domain.profiles import Profile
from simulator.domain.recipients import GC_EMAIL_RULES
from simulator.domain.reports import ReportRules
from simulator.domain.schemas import GC_SCHEMA
from simulator.domain.send_steps import SendStep
from simulator.domain.simulation import SimulationRules
from simulator.domain.template_categories import GC_TEMPLATE_CATEGORIES

__all__ = ["GC_SEND_STEPS", "gc_profile"]

# contract 3.4, GC order: body and schema first, limits after the template checks
GC_SEND_STEPS: tuple[SendStep, ...] = (
    SendStep.SCHEMA,
    SendStep.FILES,
    SendStep.FAULTS,
    SendStep.SUSPENDED,
    SendStep.PERMISSION,
    SendStep.RATE,
    SendStep.TEMPLATE,
    SendStep.PERSONALISATION,
    SendStep.RENDER,
    SendStep.ALLOWANCES,
    SendStep.SENDERS,
    SendStep.RECIPIENT,
    SendStep.DOCUMENTS,
    SendStep.PHONE_NETWORK,  # last: only a send that will be stored takes a place
)


def _allowance(
    key: str, override: str, live: int, trial: int, *, per_fragment: bool = False
) -> Allowance:
    channel, period = key.split("-")
    error, text = GC_LIMIT_TEXTS[key]
    return Allowance(
        channel,
        "year" if period == "year" else "day",
        override,
        live,
        trial,
        error,
        text,
        per_fragment=per_fragment,
    )


# Live defaults: 10,000 emails (message_limit) and 1,500 SMS fragments a day, 20,000,000
# emails and 100,000 SMS a fiscal year; trial services get 50 a day (GC-DOCS limits.md).
_PLAN = AllowancePlan(
    by_type={
        "email": (
            _allowance("email-year", "email_annual", 20_000_000, 20_000_000),
            _allowance("email-day", "email", 10_000, 50),
        ),
        "sms": (
            _allowance("sms-year", "sms_annual", 100_000, 100_000),
            _allowance("sms-day", "sms", 1_500, 50, per_fragment=True),
        ),
    }
)


def gc_profile(simulation: SimulationRules) -> Profile:
    return Profile(
        name="ca",
        messages=GC_MESSAGES,
        simulation=simulation,
        schema=GC_SCHEMA,
        default_fixtures="default_ca.yaml",
        phones=GC_PHONES,
        email_rules=GC_EMAIL_RULES,
        key_prefix="gcntfy-",
        api_docs_url="https://documentation.notification.canada.ca/",
        builtin_auth_schemes=frozenset({"apikey-v1"}),
        lenient_auth_scheme=True,
        skip_keys_on_bad_algorithm=True,
        full_key_checks_active_service=False,
        send_steps=GC_SEND_STEPS,
        admit_before_body=False,
        json_content_type_required=True,
        email_domain="notification.canada.ca",
        email_max_bytes=None,
        sms_char_limit=612,
        sms_limit_counts_prefix=True,
        sms_body_includes_prefix=True,
        prefix_sms_default=True,
        reference_max_length=None,
        schedule_hours_ahead=96,
        honours_scheduled_for=True,
        language_blocks=True,
        attachments=AttachmentRules(texts=GC_FILE_TEXTS),
        simulated_recipients_always_allowed=True,
        unsubscribe_links=False,
        cost_data=False,
        status_descriptions=GC_STATUS_DESCRIPTIONS,
        sms_hand_off_status=Status.SENT,
        default_rate_limit=1000,
        rate_burst_is_full_limit=True,
        live_limits=(("email", 10_000), ("sms", 1_500)),
        allowances=_PLAN,
        extra_permissions=frozenset({"upload_document"}),
        extra_limits=frozenset({"email_annual", "sms_annual"}),
        bulk=BulkRules(texts=GC_BULK_TEXTS),
        callback_suspension=SuspensionRules(),
        phone_network=PhoneNetworkRules(),
        reports=ReportRules(texts=GC_REPORT_TEXTS),
        legacy_v1=LegacyRules(),
        manage_templates=ManageTemplateRules(
            texts=GC_MANAGE_TEMPLATE_TEXTS, categories=GC_TEMPLATE_CATEGORIES
        ),
        openapi_specs={
            "en": "v2-notifications-api-en.yaml",
            "fr": "v2-notifications-api-fr.yaml",
        },
    )

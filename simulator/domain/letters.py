"""Letter rules: who may send, postage, sheets and cost, the status letters show, delivery.

Facts from alphagov/notifications-api ``app/v2/notifications/post_notifications.py``
(``process_letter_notification``, ``process_precompiled_letter_notifications``),
``app/v2/notifications/get_notifications.py`` (``get_pdf_for_notification``),
``app/models.py`` (``Notification.get_letter_status``, ``_add_cost_data_for_letter``),
``app/letters/utils.py`` (``get_billable_units_for_letter_page_count``) and
notifications-utils ``letter_timings.py`` (days in transit per postage) and ``__init__.py``
(``LETTER_MAX_PAGE_COUNT``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from simulator.domain.models import Status
from simulator.domain.postal_address import AddressTexts

__all__ = [
    "LETTER_MAX_PAGES",
    "LetterRates",
    "LetterRules",
    "LetterTexts",
    "billable_sheets",
    "cost_data",
    "estimated_delivery",
    "letter_status",
]

LETTER_MAX_PAGES = 10
POSTAGES = ("first", "second", "economy")
_LONDON = ZoneInfo("Europe/London")
# (minimum, maximum) days in transit after the print day
_TRANSIT_DAYS = {
    "first": (0, 0),
    "second": (3, 4),
    "economy": (3, 6),
    "europe": (3, 5),
    "rest-of-world": (5, 7),
}
# statuses of letters that were never printed, so never billed
_NEVER_SENT = {
    Status.TECHNICAL_FAILURE,
    Status.PERMANENT_FAILURE,
    Status.VALIDATION_FAILED,
    Status.VIRUS_SCAN_FAILED,
    Status.CANCELLED,
}


@dataclass(frozen=True, slots=True)
class LetterTexts:
    team_key: str = "Cannot send letters with a team api key"
    trial_mode: str = "Cannot send letters when service is in trial mode"
    bad_base64: str = "Cannot decode letter content (invalid base64 encoding)"
    # the tech docs' error table (the check now runs after the 201 in Notify)
    not_a_pdf: str = "Letter content is not a valid PDF"
    pdf_not_ready: str = "PDF not available yet, try again later"
    virus_scan_failed: str = "File did not pass the virus scan"
    pdf_unavailable: str = "PDF not available for letters in status {status}"
    address: AddressTexts = field(default_factory=AddressTexts)


@dataclass(frozen=True, slots=True)
class LetterRates:
    """Pounds per letter by postage: a base for one sheet plus each further sheet.

    Sandbox figures of the right shape; Notify reads its own from its letter_rates table.
    """

    base: tuple[tuple[str, float], ...] = (
        ("first", 1.33),
        ("second", 0.72),
        ("economy", 0.59),
        ("europe", 1.60),
        ("rest-of-world", 1.60),
    )
    per_extra_sheet: float = 0.05

    def cost(self, postage: str, sheets: int) -> float:
        if sheets <= 0:
            return 0.0
        base = dict(self.base).get(postage, 0.0)
        return round(base + (sheets - 1) * self.per_extra_sheet, 2)


@dataclass(frozen=True, slots=True)
class LetterRules:
    texts: LetterTexts = field(default_factory=LetterTexts)
    rates: LetterRates = field(default_factory=LetterRates)
    max_pages: int = LETTER_MAX_PAGES


def billable_sheets(pages: int) -> int:
    """Printed double-sided: two pages a sheet."""
    return math.ceil(pages / 2)


def letter_status(status: Status) -> str:
    """What GET shows for a letter: created and sending are `accepted`, delivered `received`."""
    if status in (Status.CREATED, Status.SENDING):
        return "accepted"
    if status in (Status.DELIVERED, Status.RETURNED_LETTER):
        return "received"
    return status.value


def cost_data(
    status: Status, postage: str | None, sheets: int, rates: LetterRates
) -> dict[str, object]:
    """``is_cost_data_ready``, ``cost_in_pounds`` and ``cost_details`` of a letter."""
    if status is Status.PENDING_VIRUS_CHECK or (status is Status.CREATED and not sheets):
        return {"is_cost_data_ready": False, "cost_in_pounds": None, "cost_details": {}}
    sent = status not in _NEVER_SENT
    billed = sheets if sent else 0
    return {
        "is_cost_data_ready": True,
        "cost_in_pounds": rates.cost(postage or "second", billed) if sent else 0.0,
        "cost_details": {"billable_sheets_of_paper": billed, "postage": postage},
    }


def _working_day(day: datetime, *, saturdays: bool = False) -> bool:
    # weekends only: the sandbox keeps no bank-holiday calendar
    return day.weekday() < 5 or (saturdays and day.weekday() == 5)


def _next_working_day(day: datetime, *, saturdays: bool = False) -> datetime:
    day += timedelta(days=1)
    while not _working_day(day, saturdays=saturdays):
        day += timedelta(days=1)
    return day


def estimated_delivery(created_at: datetime, postage: str | None) -> datetime:
    """The latest delivery day, as notifications-utils' ``LetterTimings.latest_delivery``.

    Anything after 5:30pm London time is printed the next working day. Notify formats the
    London wall-clock time with a ``Z``, so the moment returned carries that wall clock.
    """
    postage = postage or "second"
    processing = created_at.astimezone(_LONDON) + timedelta(hours=6, minutes=30)
    print_day = _next_working_day(processing)
    saturdays = postage == "first"
    delivery = _next_working_day(print_day, saturdays=saturdays)
    for _ in range(_TRANSIT_DAYS.get(postage, (3, 4))[1]):
        delivery = _next_working_day(delivery, saturdays=saturdays)
    return delivery.replace(tzinfo=UTC)

"""The spreadsheet checks of a bulk send, in GC's order (check_for_csv_errors, contract 3.9).

Missing headers, duplicate recipient headers, the remaining annual then daily
allowance, too many rows, the team or trial allow-list, then the rows' own errors.
Each refusal is a 400 BadRequestError with GC's exact text.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from simulator.domain.errors import BadRequestError
from simulator.domain.jobs import BulkRules
from simulator.domain.models import KeyType, NotificationType
from simulator.domain.recipient_sheet import RecipientSheet, SheetRow, rows_to_csv
from simulator.gateway.auth import Principal

__all__ = ["Remaining", "SheetChecks", "read_sheet"]

_RECIPIENT_HEADERS = {NotificationType.SMS: "phone number", NotificationType.EMAIL: "email address"}


@dataclass(frozen=True, slots=True)
class Remaining:
    period: str  # "annual" or "daily", as the text names it
    places: int


def read_sheet(
    rules: BulkRules,
    body: dict[str, object],
    notification_type: NotificationType,
    placeholders: Sequence[str],
) -> RecipientSheet:
    """``rows`` (written out as CSV first, as GC does) or ``csv``, read as a sheet."""
    try:
        rows = body.get("rows")  # the schema has made it a list, when given
        text = rows_to_csv(rows) if isinstance(rows, list) and rows else str(body["csv"])
        return RecipientSheet(
            text,
            recipient_header=_RECIPIENT_HEADERS[notification_type],
            placeholders=placeholders,
        )
    except csv.Error as error:
        raise BadRequestError(rules.texts.csv_error.format(detail=error)) from error


class SheetChecks:
    def __init__(self, rules: BulkRules) -> None:
        self._rules = rules
        self._texts = rules.texts

    def check_shape(
        self,
        sheet: RecipientSheet,
        *,
        notification_type: NotificationType,
        remaining: Sequence[Remaining],
    ) -> None:
        """What the header row and the row count alone decide."""
        texts = self._texts
        missing = sheet.missing_headers()
        if missing:
            raise BadRequestError(texts.missing_headers.format(names=", ".join(missing)))
        duplicates = sheet.duplicate_recipient_headers()
        if duplicates:
            raise BadRequestError(texts.duplicate_headers.format(names=", ".join(duplicates)))
        for left in remaining:
            if len(sheet) > left.places:
                text = texts.remaining[(notification_type.value, left.period)]
                raise BadRequestError(text.format(remaining=left.places, count=len(sheet)))
        if len(sheet) > self._rules.max_rows:
            raise BadRequestError(texts.too_many_rows.format(limit=self._rules.max_rows))

    def check_rows(
        self,
        rows: Sequence[SheetRow],
        *,
        principal: Principal,
        may_send_to: Callable[[str], bool],
    ) -> None:
        """The allow-list, then each row's missing values and recipients."""
        if not all(may_send_to(row.recipient) for row in rows if row.recipient):
            raise BadRequestError(self._not_allowed(principal))
        with_errors = [row for row in rows if row.errors][: self._rules.max_errors_shown]
        if with_errors:
            errors = ". ".join(_row_error(row) for row in with_errors)
            raise BadRequestError(self._texts.row_errors.format(errors=errors))

    def _not_allowed(self, principal: Principal) -> str:
        # GC: the trial text wins whenever the service is in trial mode
        if principal.service.restricted:
            return self._texts.trial_recipients
        if principal.key.key_type is KeyType.TEAM:
            return self._texts.team_recipients
        return self._texts.trial_recipients


def _row_error(row: SheetRow) -> str:
    parts = [f"`{header}`: {kind}" for header, kind in row.errors]
    return f"Row {row.index} - {','.join(parts)}"

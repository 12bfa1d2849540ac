"""The test-key simulator's rules: which recipient ends in which status.

The values are data (simulator/data/simulator_<profile>.yaml); this module only
applies them, so each profile brings its own magic numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from simulator.domain.models import NotificationType, Status

__all__ = ["MagicOutcome", "SimulationRules"]


@dataclass(frozen=True, slots=True)
class MagicOutcome:
    status: Status
    # extra seconds before the final status, for the "slow delivery" recipient
    extra_delay: float = 0.0
    # a status that is never followed by a final one (the "pending forever" recipient)
    terminal: bool = True
    # GC's provider_response text for this outcome (contract 2.3), shown in GET and callbacks
    provider_response: str | None = None


@dataclass(frozen=True, slots=True)
class SimulationRules:
    sms_suffixes: tuple[tuple[str, MagicOutcome], ...] = ()
    emails: Mapping[str, MagicOutcome] = field(default_factory=dict)
    smoke_test_sms: frozenset[str] = frozenset()  # normalised numbers
    smoke_test_emails: frozenset[str] = frozenset()  # lower-cased
    # sandbox extras: a letter whose address starts with one of these lines (any case)
    letter_first_lines: Mapping[str, MagicOutcome] = field(default_factory=dict)
    default: MagicOutcome = MagicOutcome(Status.DELIVERED)

    def outcome_for(self, notification_type: NotificationType, recipient: str) -> MagicOutcome:
        """Suffix match on the trimmed SMS recipient; exact, case-sensitive email match;
        a letter's first address line, case-insensitively."""
        if notification_type is NotificationType.SMS:
            for suffix, outcome in self.sms_suffixes:
                if recipient.endswith(suffix):
                    return outcome
            return self.default
        if notification_type is NotificationType.LETTER:
            return self.letter_outcome(recipient.partition("\n")[0])
        return self.emails.get(recipient, self.default)

    def letter_outcome(self, line: str) -> MagicOutcome:
        return self.letter_first_lines.get(line.strip().casefold(), self.default)

    def is_smoke_test(self, notification_type: NotificationType, normalised: str) -> bool:
        if notification_type is NotificationType.SMS:
            return normalised in self.smoke_test_sms
        return normalised in self.smoke_test_emails

    @classmethod
    def build(
        cls,
        *,
        sms: Iterable[tuple[str, MagicOutcome]],
        emails: Mapping[str, MagicOutcome],
        smoke_sms: Iterable[str],
        smoke_emails: Iterable[str],
        letters: Mapping[str, MagicOutcome] | None = None,
    ) -> SimulationRules:
        return cls(
            sms_suffixes=tuple(sms),
            emails=dict(emails),
            smoke_test_sms=frozenset(smoke_sms),
            smoke_test_emails=frozenset(e.lower() for e in smoke_emails),
            letter_first_lines={k.casefold(): v for k, v in (letters or {}).items()},
        )

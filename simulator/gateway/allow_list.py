"""Who a team key, or any key of a trial service, may send to (contract 2.1)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from simulator.domain.models import Service
from simulator.domain.recipients import normalise_email_for_matching, normalise_phone_for_matching

PhoneKey = Callable[[str], "str | None"]

__all__ = ["AllowList", "AllowListCache", "build_allow_list"]


@dataclass(frozen=True, slots=True)
class AllowList:
    phones: frozenset[str]
    emails: frozenset[str]

    def allows_phone(self, normalised: str) -> bool:
        return normalised in self.phones

    def allows_email(self, normalised: str) -> bool:
        return normalised in self.emails


def build_allow_list(
    service: Service, phone_key: PhoneKey = normalise_phone_for_matching
) -> AllowList:
    """Team members plus the guest list, normalised the way recipients are."""
    entries: list[str] = list(service.guest_list)
    for member in service.team:
        entries.extend(v for v in (member.email_address, member.mobile_number) if v)
    phones, emails = set(), set()
    for entry in entries:
        if "@" in entry:
            emails.add(normalise_email_for_matching(entry))
        else:
            number = phone_key(entry)
            if number:
                phones.add(number)
    return AllowList(frozenset(phones), frozenset(emails))


class AllowListCache:
    """Normalising phone numbers is costly; do it once per distinct service shape."""

    def __init__(
        self, max_entries: int = 1024, phone_key: PhoneKey = normalise_phone_for_matching
    ) -> None:
        self._entries: dict[tuple[object, ...], AllowList] = {}
        self._max = max_entries
        self._phone_key = phone_key

    def for_service(self, service: Service) -> AllowList:
        signature = (service.id, service.team, service.guest_list)
        cached = self._entries.get(signature)
        if cached is None:
            if len(self._entries) >= self._max:
                self._entries.clear()
            cached = self._entries[signature] = build_allow_list(service, self._phone_key)
        return cached

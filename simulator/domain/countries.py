"""Country names on the last line of an address, and the postage zone each one takes.

Facts from alphagov/notifications-utils ``countries/`` (``Country``, ``_normalise_country_name``,
``Postage``; the data derived from govuk-country-and-territory-autocomplete, the UK and
European island lists, Royal Mail's European zone and the synonyms). The names ship as
``simulator/data/countries.json``: each name normalised as below, mapped to its canonical name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["UK", "Countries", "normalise_country_name"]

UK = "United Kingdom"
_DROPPED = str.maketrans("", "", " _-'’,.()")


def normalise_country_name(name: str) -> str | None:
    """The lookup key of a country name; None for anything with a digit (a postcode, say)."""
    if any(c.isdigit() for c in name):
        return None
    key = name.replace("&", "and").replace("+", "and").translate(_DROPPED).lower()
    plain = "".join(c for c in unicodedata.normalize("NFKD", key) if not unicodedata.combining(c))
    # Notify keeps the name as it is when it cannot be brought down to ASCII
    return plain if plain.isascii() else key


@dataclass(frozen=True, slots=True)
class Countries:
    names: Mapping[str, str]  # normalised name -> canonical name
    europe: frozenset[str]  # canonical names in Royal Mail's European zone

    @classmethod
    def from_data(cls, names: Mapping[str, str], europe: Iterable[str]) -> Countries:
        return cls(dict(names), frozenset(europe))

    def canonical(self, line: str) -> str | None:
        key = normalise_country_name(line)
        if key is None:
            return None
        for candidate in (key, f"the{key}", f"yr{key}", f"y{key}"):
            found = self.names.get(candidate)
            if found is not None:
                return found
        return None

    def postage_zone(self, canonical: str) -> str:
        if canonical == UK:
            return "united-kingdom"
        return "europe" if canonical in self.europe else "rest-of-world"

"""How the dashboard looks and speaks for each profile: data, as the profiles are."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LOOKS", "Look"]


@dataclass(frozen=True, slots=True)
class Look:
    # the product the header names, in each language
    product: dict[str, str]
    # "govuk" (GOV.UK Notify's header) or "gc" (a plain GC-style one)
    header: str
    # a catalogue region for the profile's own words (en_CA: "team and safelist")
    region: str | None
    # GC's pages start in French when the browser asks for it
    follows_accept_language: bool


LOOKS = {
    "uk": Look(
        product={"en": "Notify Sandbox", "fr": "Notify Sandbox"},
        header="govuk",
        region=None,
        follows_accept_language=False,
    ),
    "ca": Look(
        product={"en": "GC Notify Sandbox", "fr": "Bac à sable Notification GC"},
        header="gc",
        region="CA",
        follows_accept_language=True,
    ),
}

"""Message catalogues (EN, FR, and each profile's own words) and choosing a language.

The catalogues ship as .po files and are compiled in memory when the app starts, so
there is no build step. A profile with a region layers its catalogue over the
language's: `fr_CA` over `fr`, `en_CA` over the English msgids themselves.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel.support import NullTranslations, Translations

__all__ = ["LANGUAGES", "choose_language", "load_translations"]

LANGUAGES = ("en", "fr")
_CATALOGUES = resources.files("simulator.web") / "translations"


def _compiled(locale: str, domain: str) -> Translations | None:
    # babel is loaded with the first page (see render.Renderer), not at start-up
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    path = _CATALOGUES / locale / "LC_MESSAGES" / f"{domain}.po"
    if not path.is_file():
        return None
    with path.open("rb") as po:
        catalog = read_po(po, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def _catalogue(locale: str) -> Translations | None:
    """The pages' own texts, and the gateway's texts (kept by hand in gateway.po)."""
    pages = _compiled(locale, "messages")
    gateway = _compiled(locale, "gateway")
    if pages is None or gateway is None:
        return pages or gateway
    pages.add_fallback(gateway)
    return pages


def load_translations(language: str, region: str | None) -> NullTranslations:
    from babel.support import NullTranslations

    base: NullTranslations = _catalogue(language) or NullTranslations()
    if region is None:
        return base
    regional = _catalogue(f"{language}_{region}")
    if regional is None:
        return base
    regional.add_fallback(base)
    return regional


def choose_language(
    query: Mapping[str, str],
    cookie: str | None,
    accept_language: str,
    *,
    follows_accept_language: bool,
) -> tuple[str, bool]:
    """The page's language, and whether to remember it (a `?lang=` link was followed)."""
    asked = query.get("lang")
    if asked in LANGUAGES:
        return asked, True
    if cookie in LANGUAGES:
        return cookie, False
    if follows_accept_language:
        return _from_accept_language(accept_language), False
    return "en", False


def _from_accept_language(header: str) -> str:
    best, best_q = "en", 0.0
    for part in header.split(",")[:20]:  # a header is hostile input: bounded
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                continue
        language = tag.strip().lower().split("-")[0]
        if language in LANGUAGES and q > best_q:
            best, best_q = language, q
    return best

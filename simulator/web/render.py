"""Jinja2 environments, one per language, with the catalogues installed.

Built with the first page, not at start-up: jinja2 and babel are a tenth of the server's
imports, and an API user may never open the dashboard.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from simulator.domain.models import Status
from simulator.gateway.message_log import status_group
from simulator.web.i18n import LANGUAGES, load_translations
from simulator.web.looks import Look

if TYPE_CHECKING:
    from babel.support import NullTranslations
    from jinja2 import Environment

__all__ = ["Renderer"]

# dates and numbers in the conventions of the page's language
_LOCALES = {"en": "en_GB", "fr": "fr_CA"}


def _environment(language: str, look: Look, translations: NullTranslations) -> Environment:
    from babel.dates import format_datetime
    from babel.numbers import format_decimal
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("simulator.web", "templates"),
        autoescape=select_autoescape(["html", "svg"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # the i18n extension adds this method at run time (Environment.extend): no type has it
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    locale = _LOCALES[language]

    def when(moment: datetime | None) -> str:
        if moment is None:
            return ""
        return format_datetime(
            moment.astimezone(UTC), "d MMM y, HH:mm:ss", tzinfo=UTC, locale=locale
        )

    def number(value: int | float) -> str:
        return format_decimal(value, locale=locale)

    env.globals["status_group"] = lambda value: status_group(Status(value))
    env.filters["when"] = when
    env.filters["number"] = number
    env.globals["language"] = language
    env.globals["look"] = look
    env.globals["product"] = look.product[language]
    return env


class Renderer:
    def __init__(self, look: Look) -> None:
        self._look = look
        self._translations: dict[str, NullTranslations] = {}
        self._envs: dict[str, Environment] = {}

    def _prepare(self) -> None:
        look = self._look
        self._translations = {lang: load_translations(lang, look.region) for lang in LANGUAGES}
        self._envs = {
            lang: _environment(lang, look, self._translations[lang]) for lang in LANGUAGES
        }

    def render(self, language: str, template: str, context: dict[str, Any]) -> str:
        if not self._envs:
            self._prepare()
        return self._envs[language].get_template(template).render(context)

    def gettext(self, language: str) -> Callable[[str], str]:
        if not self._translations:
            self._prepare()
        return self._translations[language].gettext

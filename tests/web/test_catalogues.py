"""Every text the pages show is in the French catalogue; GC's words override the UK's."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from simulator.web.i18n import choose_language, load_translations
from tests.sandbox_process import ROOT

_METHODS = [
    ("**.py", "python"),
    ("templates/**.html", "jinja2"),
]
_OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n,jinja2.ext.do"}}


def _extracted() -> set[str | tuple[str, ...]]:
    found = extract_from_dir(
        ROOT / "simulator" / "web",
        method_map=_METHODS,
        options_map=_OPTIONS,
        keywords={"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)},
    )
    return {message for _, _, message, _, _ in found}


def test_every_page_text_has_a_french_translation() -> None:
    po = ROOT / "simulator/web/translations/fr/LC_MESSAGES/messages.po"
    with po.open("rb") as file:
        catalogue = read_po(file)
    translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
    messages = _extracted()
    assert len(messages) > 200
    assert sorted(map(str, messages - translated)) == []


def test_gc_words_layer_over_the_uk_ones() -> None:
    assert load_translations("en", None).gettext("Guest list") == "Guest list"
    assert load_translations("en", "CA").gettext("Guest list") == "Safelist"
    assert load_translations("en", "CA").gettext("Dashboard") == "Dashboard"
    assert load_translations("fr", "CA").gettext("Guest list") == "Liste de confiance"
    assert load_translations("fr", "CA").gettext("Dashboard") == "Tableau de bord"


def test_choosing_a_language() -> None:
    follow = {"follows_accept_language": True}
    assert choose_language({"lang": "fr"}, "en", "", **follow) == ("fr", True)
    assert choose_language({"lang": "de"}, "fr", "", **follow) == ("fr", False)
    assert choose_language({}, None, "en-CA,fr;q=0.9", **follow) == ("en", False)
    assert choose_language({}, None, "fr-CA,en;q=0.5", **follow) == ("fr", False)
    assert choose_language({}, None, "fr;q=abc, en;q=0.1", **follow) == ("en", False)
    assert choose_language({}, None, "fr", follows_accept_language=False) == ("en", False)

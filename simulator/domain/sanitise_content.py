"""``sanitise_content_for``: email personalisation made safe to drop into Notify's markdown.

Facts from alphagov/notifications-api ``app/v2/notifications/post_notifications.py``
(``_prepare_personalisation_for_post_notification``, ``sanitise_personalisation_item``,
``_find_and_sanitise_urls``, ``_escape_markdown_characters``, ``_get_sanitised_content``) and
notifications-utils ``formatters.py`` (the ``url`` pattern):

* keys are matched as Notify's ``InsensitiveSet`` does (case, spaces, ``_`` and ``-`` ignored);
* every URL-looking match is removed, unless it is only ``[a-zA-Z0-9.-]`` (an accidental link
  such as ``example.com``), which is broken up: each ``.`` becomes ``". "``;
* then each of ``\\ ` * _ { } [ ] ( ) < > # + - . ! |`` is backslash-escaped;
* the response reports each key whose value changed.

Notify answers a 500 when a named value is not a string; the sandbox leaves such values alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from simulator.domain.templating import normalise_key

__all__ = ["SanitisedPersonalisation", "sanitise_item", "sanitise_personalisation"]

# notifications-utils' "looks like a URL": optional scheme, dotted host, TLD, optional path
_URL = re.compile(r"(?i)\b(?<![@.])(https?://)?([\w\-]+\.)+([a-z]{2,63})(?!@)\b([/?#][^<\s]*)?")
_ACCIDENTAL_LINK = re.compile(r"[a-zA-Z0-9.\-]+")
_MARKDOWN_CHARACTERS = re.compile(r"([`*_()\\{}\[\]<>#+\-.!|])")


@dataclass(frozen=True, slots=True)
class SanitisedPersonalisation:
    values: dict[str, Any]
    # sanitised_content of the 201: {key: {"unsanitised": ..., "sanitised": ...}}
    changes: dict[str, dict[str, Any]]


def _sanitise_url(match: re.Match[str]) -> str:
    link = match.group(0)
    return link.replace(".", ". ") if _ACCIDENTAL_LINK.fullmatch(link) else ""


def sanitise_item(value: str) -> str:
    return _MARKDOWN_CHARACTERS.sub(r"\\\1", _URL.sub(_sanitise_url, value))


def sanitise_personalisation(
    personalisation: Mapping[str, Any], keys: Iterable[str] | None
) -> SanitisedPersonalisation:
    wanted = {normalise_key(key) for key in keys or () if isinstance(key, str)}
    values = {
        key: sanitise_item(value)
        if normalise_key(key) in wanted and isinstance(value, str)
        else value
        for key, value in personalisation.items()
    }
    changes = {
        key: {"unsanitised": personalisation[key], "sanitised": value}
        for key, value in values.items()
        if value != personalisation[key]
    }
    return SanitisedPersonalisation(values, changes)

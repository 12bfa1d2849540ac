"""Text-message rendering, SanitiseSMS and fragment counting (UK rules).

Pure domain code (stdlib only). Facts from NOTIFY_CONTRACT.md sections 7.3 and 9.4, checked against
notifications-utils ``template.py`` (``SMSMessageTemplate``), ``sanitise_text.py`` and
``formatters.py``; the code is ours.

Two counts exist in Notify and they differ slightly:

* ``content_count`` – code points of the filled message *before* sanitising, without the service
  name prefix. The 918 limit and its error message use it (:attr:`RenderedSms.content_count`).
* the fragment count – that same count (with the prefix) plus one per extended GSM character of the
  *sanitised* message, cut into 160/153 (GSM) or 70/67 (Welsh non-GSM present) pieces.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from simulator.domain.templating import (
    fill,
    normalise_whitespace_and_newlines,
    remove_whitespace_before_punctuation,
)

__all__ = [
    "EXTENDED_GSM_CHARACTERS",
    "GSM_CHARACTERS",
    "SMS_CHAR_LIMIT_UK",
    "WELSH_NON_GSM_CHARACTERS",
    "RenderedSms",
    "render_sms",
    "render_sms_body",
    "sanitise_sms",
    "sms_character_count",
    "sms_fragment_count",
]

SMS_CHAR_LIMIT_UK = 918  # 6 x 153: SMS_CHAR_COUNT_LIMIT in notifications-utils

EXTENDED_GSM_CHARACTERS = frozenset("^{}\\[~]|€")  # sent as escape + char: two septets each
GSM_CHARACTERS = (
    frozenset(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
        "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
    )
    | EXTENDED_GSM_CHARACTERS
)
_WELSH_DIACRITICS = frozenset(
    "àèìòùẁỳÀÈÌÒÙẀỲ"  # grave
    "áéíóúẃýÁÉÍÓÚẂÝ"  # acute
    "äëïöüẅÿÄËÏÖÜẄŸ"  # diaeresis
    "âêîôûŵŷÂÊÎÔÛŴŶ"  # circumflex
)
# Kept as they are, but any of them switches the whole message to UCS-2 (70/67 per fragment).
WELSH_NON_GSM_CHARACTERS = _WELSH_DIACRITICS - GSM_CHARACTERS
_ALLOWED = GSM_CHARACTERS | _WELSH_DIACRITICS

_REPLACEMENTS = {
    "–": "-",  # en dash
    "—": "-",  # em dash
    "…": "...",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "\u00a0": " ",  # no-break space
    "\u202f": " ",  # narrow no-break space
    "\t": " ",
    "Ł": "L",  # no canonical decomposition, so listed by hand
    "ł": "l",
    **dict.fromkeys("\u180e\u200b\u200c\u200d\u2060\ufeff\u2028\u2029", ""),  # zero width
}
_MULTIPLE_NEWLINES = re.compile(r"\n{3,}")


def _downgrade(char: str) -> str:
    """The replacement for one character outside the allowed set."""
    decomposition = unicodedata.decomposition(char)
    if decomposition and "<" not in decomposition:
        # A canonical decomposition starts with the base letter: "é" is "0065 0301".
        first = decomposition.split()[0]
        # Notify refuses anything but 4-digit code points here; we answer "?" instead of failing.
        return chr(int(first, 16)) if len(first) == 4 else "?"
    return _REPLACEMENTS.get(char, "?")


class _SanitiseTable(dict[int, str]):
    """A lazily filled ``str.translate`` table: each character is looked at once per process."""

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        result = char if char in _ALLOWED else _downgrade(char)
        self[codepoint] = result
        return result


_SANITISE_TABLE = _SanitiseTable()


def sanitise_sms(text: str) -> str:
    """Notify's SanitiseSMS: keep GSM and Welsh letters, downgrade the rest, else ``?``."""
    return text.translate(_SANITISE_TABLE)


def sms_character_count(text: str) -> int:
    """UTF-16 code units of ``text`` plus one for each extended GSM character.

    Notify adds the extended-character surcharge in Welsh (UCS-2) mode too, so this does as well.
    """
    units = len(text.encode("utf-16-le")) // 2
    return units + sum(map(text.count, EXTENDED_GSM_CHARACTERS))


def _fragments(count: int, *, unicode: bool) -> int:
    if unicode:
        return 1 if count <= 70 else math.ceil(count / 67)
    return 1 if count <= 160 else math.ceil(count / 153)


def sms_fragment_count(text: str) -> int:
    """Billable fragments of an already rendered (sanitised) message."""
    unicode = not WELSH_NON_GSM_CHARACTERS.isdisjoint(text)
    return _fragments(sms_character_count(text), unicode=unicode)


def _unsanitised(
    template_body: str, personalisation: Mapping[str, object], prefix: str | None
) -> str:
    text = fill(template_body, personalisation, list_style="sms")
    if prefix:
        text = f"{prefix.strip()}: {text}"
    text = remove_whitespace_before_punctuation(text)
    text = normalise_whitespace_and_newlines(text)
    return _MULTIPLE_NEWLINES.sub("\n\n", text).strip()


def render_sms_body(
    template_body: str, personalisation: Mapping[str, object], *, prefix: str | None = None
) -> str:
    """The filled, tidied and sanitised message; ``content.body`` of the 201 when no prefix."""
    return sanitise_sms(_unsanitised(template_body, personalisation, prefix))


@dataclass(frozen=True, slots=True)
class RenderedSms:
    """Everything a send needs from one rendering pass."""

    body: str  # content.body: sanitised, never prefixed
    message: str  # what the handset gets: prefixed with "<prefix>: " when a prefix was given
    content_count: int  # Notify's count for the 918 limit and its error text (no prefix)
    fragment_count: int  # billable_units, counted on ``message``

    @property
    def message_bytes(self) -> int:
        """GC's count for its 612 limit: UTF-8 bytes of the sanitised, prefixed message."""
        return len(self.message.encode("utf-8"))


def render_sms(
    template_body: str, personalisation: Mapping[str, object], *, prefix: str | None = None
) -> RenderedSms:
    """Render once and count exactly as Notify does (see the module docstring)."""
    plain = _unsanitised(template_body, personalisation, None)
    body = sanitise_sms(plain)
    if prefix:
        raw_message = _unsanitised(template_body, personalisation, prefix)
        message = sanitise_sms(raw_message)
    else:
        raw_message, message = plain, body
    count = len(raw_message) + sum(map(message.count, EXTENDED_GSM_CHARACTERS))
    unicode = not WELSH_NON_GSM_CHARACTERS.isdisjoint(message)
    return RenderedSms(body, message, len(plain), _fragments(count, unicode=unicode))

"""The email's subject and the API's ``content.body`` (contract 3.2).

As notifications-utils ``template.py`` (``BaseEmailTemplate``): the subject gets Notify's
typography and one line; the body is the filled markdown itself.
"""

from __future__ import annotations

from collections.abc import Mapping

from simulator.domain.email_render.typography import nice_typography
from simulator.domain.templating import fill, normalise_whitespace

__all__ = ["EMAIL_MAX_BYTES", "email_body", "email_subject"]

# UTF-8 bytes of the filled body, as BaseEmailTemplate.is_message_too_long.
EMAIL_MAX_BYTES = 2_000_000


def email_subject(
    subject_template: str, personalisation: Mapping[str, object], *, escape_html: bool = False
) -> str:
    """The filled subject after smart quotes, en dashes and whitespace normalisation.

    ``escape_html``: a letter's subject, which notifications-utils fills with html="escape".
    """
    filled = fill(subject_template, personalisation, list_style="sms", escape_html=escape_html)
    return normalise_whitespace(nice_typography(filled))


def email_body(body_template: str, personalisation: Mapping[str, object]) -> str:
    """The API ``content.body``: raw markdown with values in, outer whitespace stripped."""
    return fill(body_template, personalisation, list_style="markdown").strip()

"""The pages of the send-a-file download flow, with document-download-frontend's words.

alphagov/document-download-frontend ``app/templates/views/landing.html``,
``confirm-email-address.html``, ``download.html``, ``file-unavailable.html``,
``error/429.html``, ``app/forms.py`` (the form's texts) and ``app/main/views/index.py``
(``_format_file_expiry_date``, the contact line); notifications-utils ``formatters.py``
``format_file_size`` and ``file_types.py`` ``format_file_type``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime

from aiohttp import web

__all__ = [
    "Contact",
    "confirm_page",
    "download_page",
    "file_size",
    "landing_page",
    "too_many_page",
    "unavailable_page",
]

PRIVATE = {"X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}


@dataclass(frozen=True, slots=True)
class Contact:
    service_name: str
    contact: str  # the service's contact_link: a URL, an email address or a phone number

    def line(self) -> str:
        name, info = html.escape(self.service_name), html.escape(self.contact)
        if self.contact.lower().startswith(("http://", "https://")):
            return (
                f'<p>If you have any questions, <a href="{info}" rel="noreferrer"> '
                f"contact {name}</a>.</p>"
            )
        if "@" in self.contact:
            return f'<p>If you have any questions, email <a href="mailto:{info}">{info}</a>.</p>'
        return f"<p>If you have any questions, call {info}.</p>"


def _page(title: str, body: str, status: int = 200, *, error: bool = False) -> web.Response:
    shown = f"Error: {title}" if error else title
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(shown)} – GOV.UK Notify</title></head>"
        f"<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>"
    )
    return web.Response(
        text=page, status=status, content_type="text/html", charset="utf-8", headers=PRIVATE
    )


def landing_page(contact: Contact, continue_url: str) -> web.Response:
    body = (
        f"<p>{html.escape(contact.service_name)} sent you a file to download.</p>"
        f'<p><a href="{html.escape(continue_url)}" role="button">Continue</a></p>'
        f"{contact.line()}"
    )
    return _page("You have a file to download", body)


def confirm_page(contact: Contact, error: str | None = None) -> web.Response:
    problem = f'<div class="error-summary" role="alert"><p>{error}</p></div>' if error else ""
    body = (
        f"{problem}<p>For security, we need to confirm the email address the file was sent "
        "to before you can download it.</p>"
        '<form method="post" novalidate><label for="email_address">Email address</label>'
        '<input id="email_address" name="email_address" type="email" spellcheck="false" '
        'autocomplete="email"><button type="submit">Continue</button></form>'
        f"{contact.line()}"
    )
    return _page("Confirm your email address", body, 400 if error else 200, error=bool(error))


def file_size(number_of_bytes: int) -> str:
    """notifications-utils' format_file_size, its ``rstrip(".0")`` included."""
    if number_of_bytes < 1024 / 20:
        return "0.1KB"
    if number_of_bytes < (1024**2) / 20:
        return str(round(number_of_bytes / 1024, 1)).rstrip(".0") + "KB"
    return str(round(number_of_bytes / (1024**2), 1)).rstrip(".0") + "MB"


def _expiry(until: datetime, today: date) -> str:
    day = until.date()
    shown = day.strftime("%d %B %Y").lstrip("0")
    return f"{day.strftime('%A')} {shown}" if (day - today).days <= 30 else shown


def download_page(
    contact: Contact,
    *,
    link: str,
    file_type: str,
    size: int,
    until: datetime | None,
    today: date,
) -> web.Response:
    available = (
        f"This file is available to download until {_expiry(until, today)}."
        if until is not None
        else "File expiry information is temporarily unavailable."
    )
    body = (
        f"<p>{available}</p><p>Make sure you save your file somewhere you can find it.</p>"
        f'<p><a href="{html.escape(link)}" download rel="noreferrer">Download this '
        f"{html.escape(file_type)} ({file_size(size)}) to your device</a></p>{contact.line()}"
    )
    return _page("Download your file", body)


def unavailable_page(contact: Contact | None, status: int) -> web.Response:
    if status == 410:
        name = html.escape(contact.service_name) if contact else "The service"
        body = f"<p>The file {name} sent you has expired or been deleted.</p>"
        title = "No longer available"
    else:
        body = (
            "<p>If you selected a link in an email, the file may have expired or been "
            "deleted.</p><p>If you typed the web address, check it is correct.</p>"
            "<p>If you pasted the web address, check you copied the entire address.</p>"
        )
        title, status = "Page not found", 404
    return _page(title, body + (contact.line() if contact else ""), status)


def too_many_page(go_back: str) -> web.Response:
    body = (
        "<p>There have been too many attempts to access this document recently. Please try "
        "again in a few minutes.</p>"
        f'<p><a href="{html.escape(go_back)}">Go back to confirm your email address</a>.</p>'
        "<p>If you’re still not able to access the document, please email "
        '<a href="mailto:notify-support@digital.cabinet-office.gov.uk">'
        "notify-support@digital.cabinet-office.gov.uk</a>.</p>"
    )
    return _page("Cannot access document", body, 429)

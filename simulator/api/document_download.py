"""The download page behind send-a-file links, as document-download does it.

``GET /d/<service>/<document>?key=…`` (ids in Notify's short base64 form, or plain UUIDs):
a page asking for the recipient's email address first when the file was sent with
``confirm_email_before_download`` (the default), else a page linking to the file.
``POST`` the address to confirm it: a match sets ``document_access_signed_data``, as
document-download-api's ``/authenticate`` does. The file itself is at
``/services/<service_id>/documents/<document_id>.<ext>?key=…`` (its direct URL), and
answers a redirect to the page until the address is confirmed.
(alphagov/document-download-api app/download/views.py; app/utils/urls.py.)

GC's ``link`` files use the same route, which for them serves the file itself, as GC's
document-download-api does (cds-snc/notification-document-download-api
app/download/views.py ``download_document_b64``).
"""

from __future__ import annotations

import html
from urllib.parse import parse_qs

from aiohttp import web

from simulator.api.body_io import read_body
from simulator.api.json_io import json_response
from simulator.api.keys import GATEWAY_KEY
from simulator.domain.documents import (
    FORCE_DOWNLOAD,
    extension_for,
    from_base64_id,
    to_base64_id,
)
from simulator.domain.ports import StoredFile
from simulator.domain.recipients import InvalidEmailAddress, validate_email_address
from simulator.gateway.send_a_file import DocumentLinks, DocumentUnavailable

__all__ = ["document_routes"]

_COOKIE = "document_access_signed_data"
_FORM_LIMIT = 4096  # bytes: the form holds one email address
_PRIVATE = {"X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}
_TEST_DOCUMENT = b"This is a test document from Notify Sandbox.\n"


def document_routes() -> list[web.RouteDef]:
    return [
        web.get("/d/{service}/{document}", get_download_page, allow_head=False),
        web.post("/d/{service}/{document}", post_download_page),
        web.get(
            "/services/{service_id}/documents/test-document", get_test_document, allow_head=False
        ),
        web.get(
            r"/services/{service_id}/documents/{document_id:[0-9a-fA-F-]{36}}{extension:(\.\w+)?}",
            get_document_file,
            allow_head=False,
        ),
    ]


def _links(request: web.Request) -> DocumentLinks:
    documents = request.app[GATEWAY_KEY].documents
    if documents is None:
        raise web.HTTPNotFound()
    return documents


def _page(title: str, body: str, status: int = 200) -> web.Response:
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} – GOV.UK Notify (sandbox)</title></head>"
        f"<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>"
    )
    return web.Response(
        text=page, status=status, content_type="text/html", charset="utf-8", headers=_PRIVATE
    )


async def _document(request: web.Request) -> tuple[StoredFile, str] | web.Response:
    service_id = from_base64_id(request.match_info["service"])
    document_id = from_base64_id(request.match_info["document"])
    key = request.query.get("key")
    if service_id is None or document_id is None or not key:
        return _page("The link is not valid", "<p>Check the link in your email.</p>", 404)
    try:
        stored = await _links(request).open(service_id, document_id, key)
    except DocumentUnavailable as problem:
        return _page(
            "No longer available", f"<p>{html.escape(problem.message)}.</p>", problem.status
        )
    return stored, key


def _direct_url(stored: StoredFile, key: str) -> str:
    extension = extension_for(str(stored.meta.get("mimetype")))
    return f"/services/{stored.service_id}/documents/{stored.id}.{extension}?key={key}"


def _download_page(stored: StoredFile, key: str) -> web.Response:
    extension = extension_for(str(stored.meta.get("mimetype")))
    size = len(stored.content)
    shown = f"{size / 1024:.1f} KB" if size >= 1024 else f"{size} bytes"
    available = stored.expires_at.strftime("%-d %B %Y") if stored.expires_at else "unknown"
    link = html.escape(_direct_url(stored, key))
    body = (
        f'<p><a href="{link}" download>Download this {extension.upper()} ({shown})</a></p>'
        f"<p>This file is available until {available}.</p>"
    )
    return _page("You have a file to download", body)


def _email_form(error: str | None = None, status: int = 200) -> web.Response:
    message = f'<p class="error-message">{html.escape(error)}</p>' if error else ""
    body = (
        "<p>Enter the email address this file was sent to.</p>"
        f'<form method="post">{message}<label for="email_address">Email address</label>'
        '<input id="email_address" name="email_address" type="email" autocomplete="email">'
        "<button>Continue</button></form>"
    )
    return _page("Confirm your email address", body, status)


async def get_download_page(request: web.Request) -> web.Response:
    found = await _document(request)
    if isinstance(found, web.Response):
        return found
    stored, key = found
    if stored.meta.get("gc"):  # GC's link is the file itself
        return _file_response(stored, as_attachment=bool(request.query.get("filename")))
    links = _links(request)
    if not links.has_access(stored, request.cookies.get(_COOKIE)):
        return _email_form()
    return _download_page(stored, key)


async def post_download_page(request: web.Request) -> web.Response:
    found = await _document(request)
    if isinstance(found, web.Response):
        return found
    stored, _ = found
    links = _links(request)
    if not links.allow_attempt(stored.id):
        limit, window = links.attempt_limit
        return _email_form(
            f"Too many requests - more than {limit} in the last {window} seconds", 429
        )
    raw = await read_body(request, _FORM_LIMIT)
    if len(raw) > _FORM_LIMIT:
        return _email_form("Invalid email address", 413)
    try:
        form = parse_qs(raw.decode("utf-8", "replace"), max_num_fields=10)
    except ValueError:  # more fields than the form has
        return _email_form("Invalid email address", 400)
    email_address = (form.get("email_address") or [""])[0].strip()
    if not email_address:
        return _email_form("No email address", 400)
    try:
        validate_email_address(email_address)
    except InvalidEmailAddress:
        return _email_form("Invalid email address", 400)
    if not links.email_matches(stored, email_address):
        return _email_form("Authentication failure", 403)
    response = web.HTTPSeeOther(location=str(request.rel_url))
    response.set_cookie(
        _COOKIE,
        links.access_token(stored),
        httponly=True,
        samesite="Lax",
        secure=request.secure,
        path="/",
    )
    raise response


async def get_document_file(request: web.Request) -> web.StreamResponse:
    key = request.query.get("key")
    if not key:
        return json_response({"error": "Missing decryption key"}, status=400)
    links = _links(request)
    try:
        stored = await links.open(
            request.match_info["service_id"], request.match_info["document_id"].lower(), key
        )
    except DocumentUnavailable as problem:
        return json_response({"error": problem.message}, status=problem.status)
    if not links.has_access(stored, request.cookies.get(_COOKIE)):
        page = f"/d/{to_base64_id(stored.service_id)}/{to_base64_id(stored.id)}?key={key}"
        raise web.HTTPFound(location=page)
    return _file_response(stored)


def _file_response(stored: StoredFile, *, as_attachment: bool | None = None) -> web.Response:
    """The file; ``as_attachment`` None: by its type, as GOV.UK's document-download."""
    mimetype = str(stored.meta.get("mimetype") or "application/octet-stream")
    extension = extension_for(mimetype)
    filename = str(stored.meta.get("filename") or f"{stored.id}.{extension}")
    if as_attachment is None:
        as_attachment = extension in FORCE_DOWNLOAD
    disposition = "attachment" if as_attachment else "inline"
    headers = {
        **_PRIVATE,
        "Content-Disposition": f'{disposition}; filename="{filename.replace(chr(34), "")}"',
    }
    return web.Response(body=stored.content, content_type=mimetype, headers=headers)


async def get_test_document(request: web.Request) -> web.Response:
    """What the simulated recipients' ``test-document`` link leads to."""
    return web.Response(body=_TEST_DOCUMENT, content_type="text/plain", headers=_PRIVATE)

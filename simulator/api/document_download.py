"""The download flow behind send-a-file links, as document-download does it.

``GET /d/<service>/<document>?key=…`` (ids in Notify's short base64 form, or plain UUIDs)
is the landing page; Continue leads to ``…/confirm-email-address`` when the file was sent
with ``confirm_email_before_download`` (the default), else to ``…/download``. A confirmed
address sets ``document_access_signed_data``, as document-download-api's ``/authenticate``
does. The file itself is at ``/services/<service_id>/documents/<document_id>.<ext>?key=…``
(its direct URL) and redirects to the landing page until the address is confirmed.
(alphagov/document-download-frontend app/main/views/index.py; alphagov/document-download-api
app/download/views.py, app/utils/urls.py; the pages' words are in download_pages.py.)

GC's ``link`` files use the same route, which for them serves the file itself, as GC's
document-download-api does (cds-snc/notification-document-download-api
app/download/views.py ``download_document_b64``).
"""

from __future__ import annotations

import html
from urllib.parse import parse_qs

from aiohttp import web

from simulator.api.body_io import read_body
from simulator.api.download_pages import (
    PRIVATE,
    Contact,
    confirm_page,
    download_page,
    landing_page,
    too_many_page,
    unavailable_page,
)
from simulator.api.json_io import json_response
from simulator.api.keys import GATEWAY_KEY
from simulator.domain.documents import (
    FILE_TYPE_NAMES,
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
_TEST_DOCUMENT = b"This is a test document from Notify Sandbox.\n"
_WRONG_ADDRESS = (
    "This is not the email address the file was sent to.<br><br>"
    "To confirm the file was meant for you, enter the email address {service} sent the file to."
)


def document_routes() -> list[web.RouteDef]:
    return [
        web.get("/d/{service}/{document}", get_landing_page, allow_head=False),
        web.get(
            "/d/{service}/{document}/confirm-email-address", get_confirm_page, allow_head=False
        ),
        web.post("/d/{service}/{document}/confirm-email-address", post_confirm_page),
        web.get("/d/{service}/{document}/download", get_download_page, allow_head=False),
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


async def _contact(request: web.Request, service_id: str | None) -> Contact | None:
    entry = await request.app[GATEWAY_KEY].directory.entry(service_id) if service_id else None
    if entry is None:
        return None
    return Contact(entry.service.name, entry.service.contact_link or "")


async def _document(request: web.Request) -> tuple[StoredFile, str, Contact] | web.Response:
    service_id = from_base64_id(request.match_info["service"])
    document_id = from_base64_id(request.match_info["document"])
    key = request.query.get("key")
    contact = await _contact(request, service_id)
    if service_id is None or document_id is None or not key or contact is None:
        return unavailable_page(contact, 404)
    try:
        stored = await _links(request).open(service_id, document_id, key)
    except DocumentUnavailable as problem:
        return unavailable_page(contact, problem.status)
    return stored, key, contact


def _page_url(stored: StoredFile, key: str, step: str = "") -> str:
    base = f"/d/{to_base64_id(stored.service_id)}/{to_base64_id(stored.id)}"
    return f"{base}{step}?key={key}"


async def get_landing_page(request: web.Request) -> web.Response:
    found = await _document(request)
    if isinstance(found, web.Response):
        return found
    stored, key, contact = found
    if stored.meta.get("gc"):  # GC's link is the file itself
        return _file_response(stored, as_attachment=bool(request.query.get("filename")))
    step = "/confirm-email-address" if _links(request).needs_email(stored) else "/download"
    return landing_page(contact, _page_url(stored, key, step))


async def get_confirm_page(request: web.Request) -> web.Response:
    found = await _document(request)
    if isinstance(found, web.Response):
        return found
    stored, key, contact = found
    if not _links(request).needs_email(stored):
        raise web.HTTPFound(location=_page_url(stored, key, "/download"))
    return confirm_page(contact)


async def post_confirm_page(request: web.Request) -> web.Response:
    found = await _document(request)
    if isinstance(found, web.Response):
        return found
    stored, key, contact = found
    links = _links(request)
    if not links.needs_email(stored):
        raise web.HTTPFound(location=_page_url(stored, key, "/download"))
    raw = await read_body(request, _FORM_LIMIT)
    try:
        if len(raw) > _FORM_LIMIT:
            raise ValueError("too long for one address")
        form = parse_qs(raw.decode("utf-8", "replace"), max_num_fields=10)
    except ValueError:  # more than the form holds
        return confirm_page(contact, "Not a valid email address")
    email_address = "".join((form.get("email_address") or [""])[0].split())
    if not email_address:
        return confirm_page(contact, "Enter your email address")
    try:
        validate_email_address(email_address)
    except InvalidEmailAddress:
        return confirm_page(contact, "Not a valid email address")
    if not links.allow_attempt(stored.id):
        return too_many_page(str(request.rel_url))
    if not links.email_matches(stored, email_address):
        service = html.escape(contact.service_name)
        return confirm_page(contact, _WRONG_ADDRESS.format(service=service))
    response = web.HTTPFound(location=_page_url(stored, key, "/download"))
    response.set_cookie(
        _COOKIE,
        links.access_token(stored),
        httponly=True,
        samesite="Lax",
        secure=request.secure,
        path="/",
    )
    raise response


async def get_download_page(request: web.Request) -> web.Response:
    found = await _document(request)
    if isinstance(found, web.Response):
        return found
    stored, key, contact = found
    extension = extension_for(str(stored.meta.get("mimetype")))
    return download_page(
        contact,
        link=_direct_url(stored, key),
        file_type=FILE_TYPE_NAMES.get(extension, extension),
        size=len(stored.content),
        until=stored.expires_at,
        today=_links(request).today(),
    )


def _direct_url(stored: StoredFile, key: str) -> str:
    extension = extension_for(str(stored.meta.get("mimetype")))
    return f"/services/{stored.service_id}/documents/{stored.id}.{extension}?key={key}"


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
        raise web.HTTPFound(location=_page_url(stored, key))
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
        **PRIVATE,
        "Content-Disposition": f'{disposition}; filename="{filename.replace(chr(34), "")}"',
    }
    return web.Response(body=stored.content, content_type=mimetype, headers=headers)


async def get_test_document(request: web.Request) -> web.Response:
    """What the simulated recipients' ``test-document`` link leads to."""
    return web.Response(body=_TEST_DOCUMENT, content_type="text/plain", headers=PRIVATE)

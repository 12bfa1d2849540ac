"""Send a file by email: files in personalisation kept, and links to a download page here.

One mechanism for every downloadable file a message carries (engineer #17's GC ``link``
files use it too): ``DocumentLinks.link`` checks and keeps each file and puts its link in
the message; ``open``/``confirmed`` serve the download page (api/document_download.py).

Notify's order (alphagov/notifications-api ``post_notifications.py``
``process_document_uploads``): the file objects' schema, then the contact-link check, then
each upload (document-download-api's checks). Simulated recipients get Notify's
``…/services/<id>/documents/test-document`` link and nothing is kept, as nothing is uploaded.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from simulator.domain.attachments import link_mimetype
from simulator.domain.documents import (
    DocumentTexts,
    UploadProblem,
    decode_document,
    detect_mimetype,
    retention_weeks,
    to_base64_id,
)
from simulator.domain.errors import BadRequestError, ValidationError
from simulator.domain.messages import Messages
from simulator.domain.models import Service
from simulator.domain.ports import FileStore, StoredFile
from simulator.domain.recipients import normalise_email_for_matching
from simulator.domain.schemas import validate_file_upload

__all__ = [
    "ATTACHMENT",
    "DOCUMENT",
    "DocumentLinks",
    "DocumentUnavailable",
    "Linked",
    "file_values",
]

DOCUMENT = "document"
ATTACHMENT = "attachment"
_NOT_FOUND = "The requested document could not be found"


def file_values(personalisation: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {k: v for k, v in personalisation.items() if isinstance(v, Mapping) and "file" in v}


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class DocumentUnavailable(Exception):
    """document-download-api's DocumentNotFound (404) and DocumentExpired (410)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class Linked:
    personalisation: dict[str, Any]
    files: list[StoredFile]  # kept with the notification, once it has its id


class DocumentLinks:
    def __init__(
        self,
        *,
        files: FileStore,
        clock: Callable[[], datetime],
        public_base_url: str,
        texts: DocumentTexts | None = None,
    ) -> None:
        self._files = files
        self._now = clock
        self._base = public_base_url.rstrip("/")
        self._texts = texts or DocumentTexts()
        # recent email confirmations per document, in this process (document-download
        # limits /authenticate the same way); bounded
        self._attempts: dict[str, deque[float]] = {}
        self.attempt_limit = (50, 300)

    def simulated_url(self, service_id: str) -> str:
        return f"{self._base}/services/{service_id}/documents/test-document"

    def link(
        self,
        personalisation: dict[str, Any],
        service: Service,
        messages: Messages,
        *,
        recipient: str,
        simulated: bool,
    ) -> Linked:
        """The personalisation with each file replaced by its link, and the files to keep."""
        found = file_values(personalisation)
        if not found:
            return Linked(personalisation, [])
        errors = [message for value in found.values() for message in validate_file_upload(value)]
        if errors:
            raise ValidationError(errors)
        if not service.contact_link:
            raise BadRequestError(messages.files_not_set_up.format(service_id=service.id))
        linked = dict(personalisation)
        kept: list[StoredFile] = []
        for name, value in found.items():
            if simulated:
                linked[name] = self.simulated_url(service.id)
                continue
            try:
                stored, url = self._document(service, value, recipient)
            except UploadProblem as problem:
                raise BadRequestError(str(problem)) from None
            linked[name] = url
            kept.append(stored)
        return Linked(linked, kept)

    def _document(
        self, service: Service, value: Mapping[str, Any], recipient: str
    ) -> tuple[StoredFile, str]:
        content = decode_document(str(value["file"]), self._texts)
        filename = value.get("filename")
        mimetype = detect_mimetype(
            content, filename=filename, is_csv=bool(value.get("is_csv")), texts=self._texts
        )
        return self.keep_link(
            service,
            content,
            filename=filename,
            mimetype=mimetype,
            recipient=recipient,
            retention=timedelta(weeks=retention_weeks(value.get("retention_period"))),
            # None means "ask for the address": Notify confirms unless told `false`
            confirm_email=value.get("confirm_email_before_download") is not False,
        )

    def keep_link(
        self,
        service: Service,
        content: bytes,
        *,
        filename: str | None,
        mimetype: str,
        recipient: str,
        retention: timedelta,
        confirm_email: bool,
        gc: bool = False,
    ) -> tuple[StoredFile, str]:
        """A file to keep and the link to its download page; checks are the caller's.

        ``gc``: GC's document-download (cds-snc/notification-document-download-api
        app/download/views.py, app/utils/urls.py): the link serves the file itself, named
        by a ``filename`` in the link, and past its retention the file is deleted, so the
        link answers 404 as for one that never was; GOV.UK's answers 410.
        """
        now = self._now()
        document_id = str(uuid.uuid4())
        key = secrets.token_urlsafe(32)
        meta = {
            "mimetype": mimetype,
            "filename": filename,
            "key_digest": _digest(key),
            "confirm_email_digest": _digest(normalise_email_for_matching(recipient))
            if confirm_email
            else None,
            "confirm_secret": secrets.token_hex(16),
            "gc": gc,
        }
        stored = StoredFile(
            id=document_id,
            kind=DOCUMENT,
            service_id=service.id,
            content=content,
            created_at=now,
            meta=meta,
            expires_at=now + retention,
        )
        url = f"{self._base}/d/{to_base64_id(service.id)}/{to_base64_id(document_id)}?key={key}"
        if gc and filename:
            url += f"&filename={quote(filename)}"
        return stored, url

    def gc_links(
        self,
        personalisation: Mapping[str, Any],
        service: Service,
        *,
        recipient: str,
        simulated: bool,
        retention: timedelta,
    ) -> tuple[dict[str, str], list[StoredFile]]:
        """GC's ``link`` files (checked already): each key's link, and the files to keep.

        GC keeps them for its retention, then deletes them (their links answer 404); its
        links serve the file, with no address to confirm. Simulated recipients get the test
        document.
        """
        links: dict[str, str] = {}
        kept: list[StoredFile] = []
        for key, value in file_values(personalisation).items():
            if value.get("sending_method") == "attach":
                continue
            if simulated:
                links[key] = self.simulated_url(service.id)
                continue
            stored, links[key] = self.keep_link(
                service,
                base64.b64decode(str(value["file"])),
                filename=value.get("filename"),
                mimetype=link_mimetype(value),
                recipient=recipient,
                retention=retention,
                confirm_email=False,
                gc=True,
            )
            kept.append(stored)
        return links, kept

    def attachments(
        self, sent: Mapping[str, Any], recorded: Mapping[str, Any], service: Service
    ) -> list[StoredFile]:
        """GC's ``attach`` files: their bytes, kept with the message for the inspection API."""
        kept = []
        for key, value in recorded.items():
            document = value.get("document") if isinstance(value, Mapping) else None
            original = sent.get(key)
            if not isinstance(document, Mapping) or not isinstance(original, Mapping):
                continue
            kept.append(
                StoredFile(
                    id=str(document["id"]),
                    kind=ATTACHMENT,
                    service_id=service.id,
                    content=base64.b64decode(str(original["file"])),
                    created_at=self._now(),
                    # kept as long as the message is
                    expires_at=self._now() + timedelta(days=service.data_retention_days),
                    meta={
                        "filename": document.get("filename"),
                        "mimetype": document.get("mime_type"),
                    },
                )
            )
        return kept

    async def files_for(self, notification_id: str) -> list[StoredFile]:
        """Every file kept with a notification (its letter PDF too), for the inspection API."""
        return await self._files.files_for(notification_id)

    async def keep(self, files: list[StoredFile], notification_id: str) -> None:
        for stored in files:
            await self._files.put_file(replace(stored, notification_id=notification_id))

    # -- the download page -----------------------------------------------------------------
    async def open(self, service_id: str, document_id: str, key: str) -> StoredFile:
        """The document, if it is this service's, within retention, and the key is its own
        (compared in constant time); else DocumentUnavailable with document-download's text."""
        stored = await self._files.get_file(DOCUMENT, document_id)
        if (
            stored is None
            or stored.service_id != service_id
            or not hmac.compare_digest(str(stored.meta.get("key_digest", "")), _digest(key))
        ):
            raise DocumentUnavailable(404, _NOT_FOUND)
        if stored.expires_at is not None and stored.expires_at <= self._now():
            if stored.meta.get("gc"):  # GC deletes it: as if it never was
                raise DocumentUnavailable(404, _NOT_FOUND)
            raise DocumentUnavailable(410, "The document is no longer available")
        return stored

    def today(self) -> date:
        return self._now().date()

    def allow_attempt(self, document_id: str) -> bool:
        limit, window = self.attempt_limit
        now = time.monotonic()
        if len(self._attempts) > 10_000:
            self._attempts.clear()
        recent = self._attempts.setdefault(document_id, deque())
        while recent and recent[0] < now - window:
            recent.popleft()
        recent.append(now)
        return len(recent) <= limit

    @staticmethod
    def needs_email(stored: StoredFile) -> bool:
        return stored.meta.get("confirm_email_digest") is not None

    @staticmethod
    def email_matches(stored: StoredFile, email_address: str) -> bool:
        expected = str(stored.meta.get("confirm_email_digest") or "")
        given = _digest(normalise_email_for_matching(email_address))
        return hmac.compare_digest(expected, given)

    @staticmethod
    def access_token(stored: StoredFile) -> str:
        """The cookie that says this browser confirmed the address (document_access_signed_data)."""
        secret = str(stored.meta.get("confirm_secret", "")).encode()
        return hmac.new(secret, stored.id.encode(), hashlib.sha256).hexdigest()

    def has_access(self, stored: StoredFile, token: str | None) -> bool:
        if not self.needs_email(stored):
            return True
        return token is not None and hmac.compare_digest(self.access_token(stored), token)

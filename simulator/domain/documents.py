"""Send a file by email: the rules of the document store behind the download links.

Facts from alphagov/document-download-api ``app/utils/file_checks.py`` (empty files, the
size limit, the file type check and its text), ``app/utils/validation.py`` (filenames,
retention periods), ``app/config.py`` (``MAX_DECODED_FILE_SIZE``, 100-character filenames),
``app/upload/__init__.py`` (the 413 text), ``app/download/views.py`` (which types download
as attachments), ``app/utils/urls.py`` (the link's shape), notifications-utils
``file_types.py`` and ``base64_uuid.py``, and notifications-api ``post_notifications.py``
``process_document_uploads`` (email confirmation unless ``false``, 26 weeks by default).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from dataclasses import dataclass

__all__ = [
    "ALLOWED_TYPES",
    "FILE_TYPE_NAMES",
    "FORCE_DOWNLOAD",
    "MAX_FILE_BYTES",
    "DocumentTexts",
    "UploadProblem",
    "check_filename",
    "decode_document",
    "detect_mimetype",
    "extension_for",
    "from_base64_id",
    "retention_weeks",
    "to_base64_id",
]

MAX_FILE_BYTES = 2 * 1024 * 1024 + 1024
MAX_FILENAME = 100
DEFAULT_RETENTION = "26 weeks"
# (extension, mimetype) in notifications-utils' order
ALLOWED_TYPES = (
    ("pdf", "application/pdf"),
    ("csv", "text/csv"),
    ("txt", "text/plain"),
    ("json", "application/json"),
    ("doc", "application/msword"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("rtf", "text/rtf"),
    ("rtf", "application/rtf"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
)
# format_file_type: what the download page calls each extension (the first name given)
FILE_TYPE_NAMES = {
    "pdf": "PDF",
    "csv": "CSV file",
    "txt": "text file",
    "json": "JSON file",
    "doc": "Microsoft Word document",
    "docx": "Microsoft Word document",
    "xlsx": "Microsoft Excel spreadsheet",
    "odt": "text file",
    "rtf": "text file",
    "jpg": "JPEG file",
    "jpeg": "JPEG file",
    "png": "PNG file",
}
_BY_EXTENSION = dict(ALLOWED_TYPES)
_BY_MIMETYPE = {mime: ext for ext, mime in ALLOWED_TYPES}
FORCE_DOWNLOAD = frozenset({"csv", "rtf", "txt"})
_ALLOWED_LIST = ", ".join(sorted({f"'.{ext}'" for ext, _ in ALLOWED_TYPES}))
_RETENTION = re.compile(r"^(\d+) weeks?$")


@dataclass(frozen=True, slots=True)
class DocumentTexts:
    too_big: str = "Uploaded file exceeds file size limit"
    empty: str = "Document must not be empty"
    not_base64: str = "Document is not base64 encoded"
    bad_type: str = "Unsupported file type '{mimetype}'. Supported types are: " + _ALLOWED_LIST
    bad_extension: str = (
        "Unsupported file type '.{extension}'. Supported types are: " + _ALLOWED_LIST
    )
    long_filename: str = f"`filename` cannot be longer than {MAX_FILENAME} characters"


class UploadProblem(Exception):
    """A file document-download would refuse; Notify answers it as a 400 BadRequestError."""


def decode_document(data: str, texts: DocumentTexts) -> bytes:
    try:
        content = base64.b64decode(data)
    except (binascii.Error, ValueError):
        raise UploadProblem(texts.not_base64) from None
    if len(content) > MAX_FILE_BYTES:
        raise UploadProblem(texts.too_big)
    if not content:
        raise UploadProblem(texts.empty)
    return content


def check_filename(filename: str, texts: DocumentTexts) -> str:
    if len(filename) > MAX_FILENAME:
        raise UploadProblem(texts.long_filename)
    extension = filename.rsplit(".", 1)[-1].lower()
    if extension not in _BY_EXTENSION:
        raise UploadProblem(texts.bad_extension.format(extension=extension))
    return extension


def _sniff(content: bytes) -> str:
    """What libmagic would say for the common cases; anything unknown is octet-stream."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"{\\rtf"):
        return "text/rtf"
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/msword"
    if content.startswith(b"PK\x03\x04"):
        if b"word/" in content:
            return _BY_EXTENSION["docx"]
        if b"xl/" in content:
            return _BY_EXTENSION["xlsx"]
        if b"application/vnd.oasis.opendocument.text" in content[:200]:
            return _BY_EXTENSION["odt"]
        return "application/zip"
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    if any(ord(c) < 32 and c not in "\t\n\r\f" for c in text[:4096]):
        return "application/octet-stream"  # control characters: binary, not text
    try:
        json.loads(text)
    except ValueError:
        return "text/plain"
    return "application/json" if text.lstrip()[:1] in ("{", "[") else "text/plain"


def detect_mimetype(
    content: bytes, *, filename: str | None, is_csv: bool, texts: DocumentTexts
) -> str:
    """The file's type as document-download decides it, or UploadProblem."""
    detected = _sniff(content)
    if filename:
        named = _BY_EXTENSION[check_filename(filename, texts)]
        if detected != named and detected not in _BY_MIMETYPE:
            raise UploadProblem(texts.bad_type.format(mimetype=detected))
        return named
    if is_csv and detected == "text/plain":
        detected = "text/csv"
    if detected not in _BY_MIMETYPE:
        raise UploadProblem(texts.bad_type.format(mimetype=detected))
    return detected


def extension_for(mimetype: str) -> str:
    return _BY_MIMETYPE.get(mimetype, "bin")


def retention_weeks(value: str | None) -> int:
    """Weeks a document is kept: ``"4 weeks"`` gives 4; unset gives Notify's 26."""
    match = _RETENTION.match((value or DEFAULT_RETENTION).strip().lower())
    return int(match.group(1)) if match else 26


def to_base64_id(value: str) -> str:
    return base64.urlsafe_b64encode(uuid.UUID(value).bytes).decode("ascii").rstrip("=")


def from_base64_id(value: str) -> str | None:
    """A link's id, base64 as Notify writes it, or a plain UUID; None when neither."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        pass
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii") + b"==")
        return str(uuid.UUID(bytes=raw)) if len(raw) == 16 else None
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None

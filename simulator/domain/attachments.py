"""GC Notify's files in personalisation: limits, checks and what a send records (contract 3.2).

A personalisation value that is an object holding ``file`` is a file. GC checks the
size of the other values, the number of files and each decoded size, all as
ValidationError items, right after the schema; the upload comes after the recipient checks.
"""

from __future__ import annotations

import base64
import mimetypes
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "AttachmentRules",
    "file_keys",
    "link_mimetype",
    "prepare_documents",
    "validate_files",
]


@dataclass(frozen=True, slots=True)
class AttachmentRules:
    texts: Mapping[str, str]  # too_many, too_big, bad_base64, personalisation_too_big
    max_files: int = 10
    max_file_bytes: int = 10 * 1024 * 1024
    max_personalisation_bytes: int = 50 * 1024
    # GC-DOCS send.md: "we delete the file after 7 days", then its link is a 404
    link_retention_days: int = 7
    # an attached file's direct_file_url in its record; nothing is downloadable from it
    document_url: str = "https://documents.notify-sandbox.invalid/d/{service_id}/{document_id}"


def file_keys(personalisation: Mapping[str, Any]) -> list[str]:
    return [k for k, v in personalisation.items() if isinstance(v, Mapping) and "file" in v]


def validate_files(personalisation: Mapping[str, Any], rules: AttachmentRules) -> list[str]:
    """GC's three checks, in GC's order; [] when all pass."""
    texts = rules.texts
    errors: list[str] = []
    # GC joins the non-object values with str() and measures the characters
    joined = "".join(str(v) for v in personalisation.values() if not isinstance(v, Mapping))
    if len(joined) > rules.max_personalisation_bytes:
        errors.append(
            texts["personalisation_too_big"].format(
                size=len(joined), limit=rules.max_personalisation_bytes
            )
        )
    keys = file_keys(personalisation)
    if len(keys) > rules.max_files:
        errors.append(texts["too_many"].format(limit=rules.max_files, count=len(keys)))
    for key in keys:
        value = personalisation[key]
        try:
            size = len(base64.b64decode(value["file"]))
            if size > rules.max_file_bytes:
                # a link without a filename fails here, as GC's own lookup does
                errors.append(
                    texts["too_big"].format(
                        key=key, filename=value["filename"], size=size, limit=rules.max_file_bytes
                    )
                )
        except Exception as error:  # GC reports whatever the decode raised, by its text
            # str() of a KeyError is the quoted key, which GC shows as it is
            errors.append(texts["bad_base64"].format(key=key, detail=str(error)))
    return errors


def prepare_documents(
    personalisation: Mapping[str, Any],
    rules: AttachmentRules,
    *,
    service_id: str,
    links: Mapping[str, str],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(values to render with, values to record) once the files are accepted.

    ``link`` files become their download link in the message (``links``, by key: kept by
    the caller); ``attach`` files are left out of the message and recorded by their
    metadata.
    """
    render: dict[str, Any] = {}
    record: dict[str, Any] = {}
    for key, value in personalisation.items():
        if not (isinstance(value, Mapping) and "file" in value):
            render[key] = record[key] = value
        elif value.get("sending_method") == "attach":
            document_id = str(uuid.uuid4())
            url = rules.document_url.format(service_id=service_id, document_id=document_id)
            record[key] = _metadata(value, document_id, url)
        else:
            render[key] = record[key] = links[key]
    return render, record


def link_mimetype(value: Mapping[str, Any]) -> str:
    """What a download of the file is served as: by its filename, as GC records it."""
    filename = value.get("filename")
    return (mimetypes.guess_type(str(filename))[0] if filename else None) or (
        "application/octet-stream"
    )


def _metadata(value: Mapping[str, Any], document_id: str, url: str) -> dict[str, Any]:
    filename = value.get("filename")
    mime_type = link_mimetype(value)
    return {
        "document": {
            "id": document_id,
            "sending_method": "attach",
            "filename": filename,
            "mime_type": mime_type,
            "file_size": len(base64.b64decode(value["file"])),
            "direct_file_url": url,
        }
    }

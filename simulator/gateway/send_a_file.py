"""UK send a file by email (contract 3.2): file objects in personalisation become links."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from typing import Any

from simulator.domain.errors import BadRequestError, ValidationError
from simulator.domain.messages import Messages
from simulator.domain.models import Service
from simulator.domain.schemas import validate_file_upload

__all__ = ["DOCUMENTS_URL", "link_files"]

DOCUMENTS_URL = "https://documents.service.gov.uk"


def link_files(
    personalisation: dict[str, Any], service: Service, texts: Messages, *, simulated: bool
) -> dict[str, Any]:
    """The personalisation with each uploaded file replaced by its download link.

    Nothing is uploaded anywhere: the sandbox makes a link in Notify's shape. Simulated
    recipients get Notify's `test-document` link, as no upload happens for them either.
    """
    files = {k: v for k, v in personalisation.items() if isinstance(v, Mapping) and "file" in v}
    if not files:
        return personalisation
    errors = [message for value in files.values() for message in validate_file_upload(value)]
    if errors:
        raise ValidationError(errors)
    if not service.contact_link:
        raise BadRequestError(texts.files_not_set_up.format(service_id=service.id))
    linked = dict(personalisation)
    for name in files:
        linked[name] = (
            f"{DOCUMENTS_URL}/test-document"
            if simulated
            else f"{DOCUMENTS_URL}/d/{service.id}/{uuid.uuid4()}?key={secrets.token_urlsafe(24)}"
        )
    return linked

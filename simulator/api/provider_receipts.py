"""Delivery receipts from providers that call back: POST /sandbox/v1/receipts/twilio.

Twilio POSTs a form (``MessageSid``, ``MessageStatus``, ``ErrorCode``, ...) to the
``StatusCallback`` URL the twilio provider sent with each message (its
``status_callback_url`` setting), signed in ``X-Twilio-Signature`` with the account's auth
token. The notification is found by its provider reference (the message SID).

Rules:
- nothing is read before the cheap checks: a twilio provider is configured (else 404), the
  request carries ``X-Twilio-Signature`` (else 403), it is a url-encoded form (Twilio sends
  nothing else; else 415) of at most 64 KiB (else 413, without reading it);
- the signature must verify with the auth token of the twilio provider that sent the
  message, against that provider's callback URL or the URL as received (otherwise 403);
- an unknown SID, or one not sent through a configured twilio provider, is 404, but only
  when the signature verifies with a configured auth token (else 403: nothing is told to
  an unsigned caller);
- what the receipt then does to the notification is the gateway's (ReceiptUpdates in
  gateway/provider_receipts.py): the status machine, compare-and-set, the callback owed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

import structlog
from aiohttp import web
from multidict import MultiDict, MultiDictProxy

from simulator.api.body_io import read_body
from simulator.api.json_io import json_response
from simulator.api.keys import CONFIG_KEY, GATEWAY_KEY
from simulator.config import ProviderSettings
from simulator.domain.errors import AuthError, BadRequestError, NotifyError
from simulator.domain.models import Status

__all__ = ["post_twilio_status", "twilio_signature"]

log = structlog.get_logger("simulator.receipts")

# a status callback is a dozen short fields; anything near this is not from Twilio
MAX_RECEIPT_BYTES = 64 * 1024
_FORM_TYPE = "application/x-www-form-urlencoded"


def _bad_signature() -> AuthError:
    return AuthError("Invalid Twilio signature", 403)


async def post_twilio_status(request: web.Request) -> web.Response:
    gateway = request.config_dict[GATEWAY_KEY]
    providers = [p for p in request.config_dict[CONFIG_KEY].providers if p.kind == "twilio"]
    if not providers:
        raise gateway.profile.messages.no_result_error()
    if not request.headers.get("X-Twilio-Signature"):
        raise _bad_signature()
    form = await _small_form(request)
    sid = _field(form, "MessageSid")
    message_status = _field(form, "MessageStatus") or _field(form, "SmsStatus")
    notification = await gateway.receipt_updates.find(sid) if sid else None
    provider = (
        _twilio_provider(providers, notification.provider) if notification is not None else None
    )
    if notification is None or provider is None:
        if not any(_signed_by(request, form, p, None) for p in providers):
            raise _bad_signature()
        if not sid or not message_status:
            raise BadRequestError("MessageSid and MessageStatus are required")
        raise gateway.profile.messages.no_result_error()
    if not _signed_by(request, form, provider, notification.id):
        raise _bad_signature()
    if not message_status:
        raise BadRequestError("MessageSid and MessageStatus are required")

    error_code = _field(form, "ErrorCode")
    status = Status(gateway.receipts["twilio"].status_for(message_status, error_code))
    detail = f"twilio: {message_status}" + (f" (error {error_code})" if error_code else "")
    current, applied = await gateway.receipt_updates.apply(notification, status, detail)
    log.info(
        "provider_receipt",
        notification_id=notification.id,
        provider=notification.provider,
        provider_status=message_status,
        status=status.value,
        applied=applied,
    )
    return json_response(
        {"notification_id": notification.id, "status": current.value, "applied": applied}
    )


async def _small_form(request: web.Request) -> MultiDictProxy[str]:
    """The url-encoded form, read only if it is small enough; never a multipart parse."""
    if request.content_type != _FORM_TYPE:
        raise BadRequestError(f"Twilio receipts are {_FORM_TYPE}", 415)
    length = request.content_length
    if length is not None and length > MAX_RECEIPT_BYTES:
        raise NotifyError("Request entity too large", status_code=413)
    raw = await read_body(request, MAX_RECEIPT_BYTES)
    if len(raw) > MAX_RECEIPT_BYTES:
        raise NotifyError("Request entity too large", status_code=413)
    try:
        # strict UTF-8 for the bytes and for %-escapes, so no text that cannot be stored
        text = raw.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict")
    except ValueError as error:  # UnicodeDecodeError included
        raise BadRequestError("The receipt is not a valid form") from error
    return MultiDictProxy(MultiDict(pairs))


def _field(form: MultiDictProxy[Any], name: str) -> str | None:
    value = form.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _twilio_provider(
    providers: Iterable[ProviderSettings], name: str | None
) -> ProviderSettings | None:
    return next((p for p in providers if p.kind == "twilio" and p.name == name), None)


def _signed_by(
    request: web.Request, form: MultiDictProxy[Any], provider: ProviderSettings, nid: str | None
) -> bool:
    token = provider.settings.get("auth_token")
    given = request.headers.get("X-Twilio-Signature", "")
    if not isinstance(token, str) or not token or not given:
        return False
    params = [(k, v) for k, v in form.items() if isinstance(v, str)]
    placeholder = request.config_dict[GATEWAY_KEY].receipts["twilio"].reference_placeholder
    for url in _candidate_urls(request, provider.settings, nid, placeholder):
        expected = twilio_signature(token, url, params)
        if hmac.compare_digest(expected.encode(), given.encode()):
            return True
    return False


def _candidate_urls(
    request: web.Request, settings: Mapping[str, Any], nid: str | None, placeholder: str
) -> list[str]:
    urls = []
    configured = settings.get("status_callback_url")
    if isinstance(configured, str) and configured and nid is not None:
        # exactly what the provider sent Twilio as StatusCallback
        urls.append(configured.replace(placeholder, nid))
    urls.append(str(request.url))
    return urls


def twilio_signature(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """
    Twilio's request signature: base64 HMAC-SHA1, keyed with the auth token, of the full
    URL followed by every POST parameter's name and value, sorted by name.
    """
    payload = url + "".join(f"{key}{value}" for key, value in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()

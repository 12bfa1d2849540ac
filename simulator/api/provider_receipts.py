"""Delivery receipts from providers that call back: POST /sandbox/v1/receipts/<kind>.

A route for each provider kind whose entry point offers receipt rules (domain/outbound.
ReceiptRules: twilio's, for one); what each provider sends is its rules' business, so no
provider's module is imported here. Nothing is read before the cheap checks: a provider of
the kind is configured (else 404), the request carries the rules' signature header (else
403), it is the rules' media type (else 415) of at most their size (else 413, without
reading it). Trusting the signature and what the receipt then does are the gateway's
(ReceiptUpdates in gateway/provider_receipts.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

import structlog
from aiohttp import web

from simulator.api.body_io import read_body
from simulator.api.json_io import json_response
from simulator.api.keys import GATEWAY_KEY
from simulator.domain.errors import BadRequestError, NotifyError
from simulator.domain.outbound import ReceiptRules
from simulator.gateway.provider_receipts import bad_signature

__all__ = ["RECEIPTS_PREFIX", "receipts_app"]

RECEIPTS_PREFIX = "/sandbox/v1/receipts"

log = structlog.get_logger("simulator.receipts")


def receipts_app(rules: Mapping[str, ReceiptRules]) -> web.Application:
    """The receipt routes the providers contribute, a public sub-application: the provider
    signs each receipt, so the admin token is not asked for; a wrong method is a 405."""
    app = web.Application()
    app.router.add_routes([web.post(f"/{kind}", _receiver(kind, r)) for kind, r in rules.items()])
    return app


def _receiver(kind: str, rules: ReceiptRules) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def receive(request: web.Request) -> web.Response:
        gateway = request.config_dict[GATEWAY_KEY]
        receipts = gateway.receipt_updates
        if not receipts.configured(kind):
            raise gateway.profile.messages.no_result_error()
        signature = request.headers.get(rules.signature_header)
        if not signature:
            raise bad_signature(rules)
        body = await _small_body(request, rules)
        try:
            form = rules.parse(body)
        except ValueError as error:  # UnicodeDecodeError included
            raise BadRequestError("The receipt is not a valid form") from error
        outcome = await receipts.receive(kind, form, signature, str(request.url))
        notification = outcome.notification
        log.info(
            "provider_receipt",
            notification_id=notification.id,
            provider=notification.provider,
            provider_status=form.provider_status,
            status=outcome.status.value,
            applied=outcome.applied,
        )
        return json_response(
            {
                "notification_id": notification.id,
                "status": outcome.current.value,
                "applied": outcome.applied,
            }
        )

    return receive


async def _small_body(request: web.Request, rules: ReceiptRules) -> bytes:
    """The body, read only if it is the rules' type and small enough; never a multipart parse."""
    if request.content_type != rules.media_type:
        raise BadRequestError(f"{rules.title} receipts are {rules.media_type}", 415)
    length = request.content_length
    if length is not None and length > rules.max_bytes:
        raise NotifyError("Request entity too large", status_code=413)
    raw = await read_body(request, rules.max_bytes)
    if len(raw) > rules.max_bytes:
        raise NotifyError("Request entity too large", status_code=413)
    return raw

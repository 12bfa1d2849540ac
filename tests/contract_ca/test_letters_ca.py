"""GC Notify keeps letters off: a service without the letter permission, GC's text
(cds-snc/notification-api app/dao/services_dao.py DEFAULT_SERVICE_PERMISSIONS has no letter)."""

from __future__ import annotations

import io

from tests.contract_ca.support import EMAIL_TEMPLATE, api_error, client, envelope
from tests.sandbox_process import SandboxProcess

NOT_ALLOWED = (400, envelope(400, ("BadRequestError", "Service is not allowed to send letters")))


def test_letters_are_off(ca_sandbox: SandboxProcess) -> None:
    test_client = client(ca_sandbox.base_url, "test")
    address = {"address_line_1": "A", "address_line_2": "B", "postcode": "K1A 0B1"}
    assert (
        api_error(lambda: test_client.send_letter_notification(EMAIL_TEMPLATE, address))
        == NOT_ALLOWED
    )
    assert (
        api_error(
            lambda: test_client.send_precompiled_letter_notification("ref", io.BytesIO(b"%PDF-1.4"))
        )
        == NOT_ALLOWED
    )

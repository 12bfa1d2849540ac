"""A letter accepted before a restart is printed after it, its PDF unchanged."""

from __future__ import annotations

import io
from functools import partial
from pathlib import Path

from tests.contract.conftest import LETTER_FIXTURES
from tests.contract.letters_support import ADDRESS, FIRST_CLASS, letter_client, pdf_file
from tests.contract.support import poll_until
from tests.sandbox_process import SandboxProcess


def test_letters_carry_on_after_a_restart(tmp_path: Path) -> None:
    env = {"SANDBOX_LETTER_PDF_DELAY": "0", "SANDBOX_LETTER_DELIVERY_DELAY": "1"}
    sandbox = SandboxProcess(tmp_path / "data", fixtures=LETTER_FIXTURES, env=env).start()
    try:
        live = letter_client(sandbox.base_url, "live")
        templated = live.send_letter_notification(FIRST_CLASS, ADDRESS)
        original = pdf_file(1).getvalue()
        precompiled = live.send_precompiled_letter_notification("restart", io.BytesIO(original))
        before = live.get_pdf_for_letter(templated["id"]).read()
        sandbox.stop()
        sandbox.start()
        live = letter_client(sandbox.base_url, "live")
        for sent in (templated, precompiled):
            poll_until(
                partial(live.get_notification_by_id, sent["id"]),
                lambda n: n["status"] == "received",
            )
        assert before == live.get_pdf_for_letter(templated["id"]).read()
        assert original == live.get_pdf_for_letter(precompiled["id"]).read()
    finally:
        sandbox.stop()

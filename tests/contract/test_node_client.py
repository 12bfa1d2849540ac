"""The official Node client (npm notifications-node-client) drives letters, PDFs and
sanitise_content_for (tests/node/letters.test.js, run with node's own test runner)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

from tests.contract.letters_support import APPOINTMENT, FIRST_CLASS, letter_key
from tests.sandbox_process import ROOT, SandboxProcess

PERSONAL_EMAIL = "61111111-1111-4111-8111-111111111204"


def test_node_client_letters_pdfs_and_sanitising(letters_sandbox: SandboxProcess) -> None:
    node = shutil.which("node")
    assert node, "node is needed: apt-get install nodejs"
    assert (ROOT / "node_modules" / "notifications-node-client").is_dir(), (
        "run `npm ci` in the project root to install the official Node client"
    )
    env = {
        **os.environ,
        "NOTIFY_BASE_URL": letters_sandbox.base_url,
        "NOTIFY_TEST_KEY": letter_key("test"),
        "APPOINTMENT": APPOINTMENT,
        "FIRST_CLASS": FIRST_CLASS,
        "PERSONAL_EMAIL": PERSONAL_EMAIL,
    }
    run = subprocess.run(
        [node, "--test", "--test-reporter=tap", "tests/node/letters.test.js"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    # every test ran and passed: five of them, none failed or skipped
    assert re.search(r"^# pass 5$", report, re.M), report
    assert re.search(r"^# fail 0$", report, re.M), report

"""A third-party provider package, found through the `notify_sandbox.providers` entry points
(issue 3). The package is a tiny distribution written into tmp_path: a module plus a
``*.dist-info`` directory with METADATA and entry_points.txt, put on the server's
PYTHONPATH. Its providers import only the public plugin contract,
`simulator.domain.outbound`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from simulator.api.openapi_live import DOCUMENT_PATHS
from tests.integration.lane_support import (
    EMAIL_TEMPLATE,
    SMS_TEMPLATE,
    TEAM_EMAIL,
    TEAM_PHONE,
    admin_message,
    client_for,
    poll_until,
    running_sandbox,
    status_history,
    unique_reference,
    wait_for_messages,
    write_config,
)
from tests.sandbox_process import SandboxProcess

PLUGIN_MODULE = '''\
"""Two providers: one drops every message into a directory, one breaks the contract."""

import json
from dataclasses import asdict
from pathlib import Path

from simulator.domain.outbound import ProviderReceipt, ReceiptForm


class PostcardReceipts:
    """Receipts as `status:reference`, signed with the provider's settings' `word`."""

    title = "Postcard"
    signature_header = "X-Postcard-Word"
    media_type = "text/plain"
    max_bytes = 100
    required_fields = "status and reference"

    def parse(self, body):
        status, _, reference = body.decode().partition(":")
        return ReceiptForm(reference or None, status or None, None)

    def signed(self, settings, form, signature, *, received_url, notification_id):
        return signature == settings.get("word")

    def status_for(self, provider_status, error_code):
        return "delivered"


class PostcardProvider:
    # the receipt route and its parser, contributed through the entry point
    receipts = PostcardReceipts()

    def __init__(self, settings):
        self.name = settings.get("name", "postcard")
        self.word = settings.get("word")  # what its receipts are signed with
        self.directory = Path(settings["directory"])
        self.directory.mkdir(parents=True, exist_ok=True)

    async def send_sms(self, message):
        return self._drop("sms", message)

    async def send_email(self, message):
        return self._drop("email", message)

    async def aclose(self):
        return None

    def _drop(self, kind, message):
        path = self.directory / f"{message.notification_id}.json"
        path.write_text(json.dumps({"kind": kind, "by": self.name, **asdict(message)}))
        return ProviderReceipt(
            provider=self.name,
            status="delivered",
            provider_reference=f"postcard-{message.notification_id}",
        )


class SloppyProvider:
    """Answers with a plain dict instead of a ProviderReceipt."""

    def __init__(self, settings):
        self.name = settings.get("name", "sloppy")

    async def send_sms(self, message):
        return {"status": "delivered"}

    async def aclose(self):
        return None
'''


def write_distribution(root: Path) -> None:
    """A tiny installed distribution: the module and its dist-info, as pip would leave them."""
    (root / "sandbox_postcard.py").write_text(PLUGIN_MODULE, "utf-8")
    dist_info = root / "sandbox_postcard-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: sandbox-postcard\nVersion: 1.0\n", "utf-8"
    )
    (dist_info / "entry_points.txt").write_text(
        "[notify_sandbox.providers]\n"
        "postcard = sandbox_postcard:PostcardProvider\n"
        "sloppy = sandbox_postcard:SloppyProvider\n"
        # a broken plugin that is installed but not configured must not stop the sandbox
        "broken = sandbox_postcard_missing_module:Nothing\n",
        "utf-8",
    )
    (dist_info / "RECORD").write_text("", "utf-8")


@dataclass
class PluginRig:
    sandbox: SandboxProcess
    outbox_dir: Path


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PluginRig]:
    root = tmp_path_factory.mktemp("plugin")
    site = root / "site"
    site.mkdir()
    write_distribution(site)
    drops = root / "drops"
    config = write_config(
        root / "sandbox.toml",
        [
            # a plugin that answers wrongly is a failed attempt: the chain fails over
            {"name": "sloppy", "kind": "sloppy", "channel": "sms", "priority": 1},
            *(
                {
                    "name": "postcards",
                    "kind": "postcard",
                    "channel": channel,
                    "priority": 2,
                    "settings": {"directory": str(drops), "word": "w"},
                }
                for channel in ("sms", "email")
            ),
        ],
    )
    python_path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH")) if p)
    with running_sandbox(root / "data", config=config, env={"PYTHONPATH": python_path}) as sandbox:
        yield PluginRig(sandbox, drops)


def dropped(rig: PluginRig, notification_id: str) -> dict[str, object]:
    path = rig.outbox_dir / f"{notification_id}.json"
    poll_until(path.exists, bool, timeout=8)
    return dict(json.loads(path.read_text("utf-8")))


def test_sms_goes_through_the_plugin(rig: PluginRig) -> None:
    client = client_for(rig.sandbox, "live")
    reference = unique_reference("plugin-sms")

    sent = client.send_sms_notification(
        TEAM_PHONE, SMS_TEMPLATE, {"name": "Pl", "code": "7"}, reference=reference
    )

    assert status_history(client, sent["id"])[-1] == "delivered"
    drop = dropped(rig, sent["id"])
    assert drop["kind"] == "sms"
    assert drop["by"] == "postcards"
    assert drop["body"] == "Hello Pl, your code is 7."
    assert drop["normalised_to"] == "447700900501"
    [message] = wait_for_messages(rig.sandbox, 1, reference=reference)
    assert message["provider"] == "postcards"
    assert message["text"] == drop["body"]


def test_email_goes_through_the_plugin(rig: PluginRig) -> None:
    client = client_for(rig.sandbox, "team")
    reference = unique_reference("plugin-email")

    sent = client.send_email_notification(
        TEAM_EMAIL, EMAIL_TEMPLATE, {"name": "Em", "items": "x", "show": ""}, reference=reference
    )

    assert status_history(client, sent["id"])[-1] == "delivered"
    drop = dropped(rig, sent["id"])
    assert drop["kind"] == "email"
    assert drop["subject"] == "Hello Em"
    assert drop["from_address"] == "contract.live@notifications.service.gov.uk"
    [message] = wait_for_messages(rig.sandbox, 1, reference=reference)
    assert message["provider"] == "postcards"
    assert admin_message(rig.sandbox, sent["id"])["html"] == drop["html"]


def test_a_broken_unconfigured_plugin_is_only_logged(rig: PluginRig) -> None:
    log = rig.sandbox.log_path.read_text("utf-8")

    assert "provider_plugin_failed" in log
    assert "broken" in log


def test_the_plugin_contributes_its_receipt_route(rig: PluginRig) -> None:
    url = rig.sandbox.base_url + "/sandbox/v1/receipts/postcard"

    unsigned = requests.post(url, data=b"delivered:x", timeout=5)
    wrong_type = requests.post(url, json={}, headers={"X-Postcard-Word": "w"}, timeout=5)
    unknown = requests.post(
        url,
        data=b"delivered:nobody",
        headers={"X-Postcard-Word": "w", "Content-Type": "text/plain"},
        timeout=5,
    )
    document = requests.get(rig.sandbox.base_url + DOCUMENT_PATHS["sandbox"], timeout=5).json()

    assert unsigned.status_code == 403
    assert unsigned.json()["errors"] == [
        {"error": "AuthError", "message": "Invalid Postcard signature"}
    ]
    assert wrong_type.status_code == 415
    assert wrong_type.json()["errors"][0]["message"] == "Postcard receipts are text/plain"
    assert unknown.status_code == 404  # signed with the configured word: told it is unknown
    assert unknown.json()["errors"][0]["error"] == "NoResultFound"
    assert requests.get(url, timeout=5).status_code == 405
    assert "post" in document["paths"]["/sandbox/v1/receipts/postcard"]


def test_test_keys_never_reach_the_plugin(rig: PluginRig) -> None:
    client = client_for(rig.sandbox, "test")

    sent = client.send_sms_notification(TEAM_PHONE, SMS_TEMPLATE, {"name": "T", "code": "0"})

    assert status_history(client, sent["id"])[-1] == "delivered"
    assert not (rig.outbox_dir / f"{sent['id']}.json").exists()

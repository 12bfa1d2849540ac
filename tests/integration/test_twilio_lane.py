"""The twilio provider end to end, and Twilio's status callback (issue 3).

A small aiohttp server in this process plays Twilio's Messages API (the provider's
``base_url`` points at it); the test then plays Twilio's status callback against the
sandbox's receipt route, signed the way Twilio signs it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
import requests
from aiohttp import BasicAuth, web

from tests.integration.lane_support import (
    SMS_TEMPLATE,
    TEAM_PHONE,
    ThreadedServer,
    client_for,
    poll_until,
    running_sandbox,
    status_history,
    unique_reference,
    wait_for_messages,
    write_config,
)
from tests.sandbox_process import SandboxProcess, free_port

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "twilio-auth-token-5e1f0c9a"
FROM_NUMBER = "+447700900900"
RECEIPTS_PATH = "/sandbox/v1/receipts/twilio"
REJECTED_NUMBER = "07700900999"  # the fake Twilio refuses it: error 21211


@dataclass
class FakeTwilio:
    """Twilio's POST /2010-04-01/Accounts/{sid}/Messages.json, with basic auth."""

    messages: list[dict[str, str]] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{account}/Messages.json", self._create)
        return app

    async def _create(self, request: web.Request) -> web.Response:
        auth = BasicAuth.decode(request.headers.get("Authorization", ""))
        if (auth.login, auth.password) != (ACCOUNT_SID, AUTH_TOKEN):
            return web.json_response({"code": 20003, "message": "Authenticate"}, status=401)
        if request.match_info["account"] != ACCOUNT_SID:
            return web.json_response({"code": 20404, "message": "Not found"}, status=404)
        form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        if form.get("To") == "+44" + REJECTED_NUMBER[1:]:
            return web.json_response(
                {"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400},
                status=400,
            )
        sid = "SM" + uuid.uuid4().hex
        self.messages.append({**form, "sid": sid})
        return web.json_response(
            {"sid": sid, "status": "queued", "to": form["To"], "error_code": None}, status=201
        )

    def sid_for(self, notification_id: str) -> tuple[str, dict[str, str]]:
        found = poll_until(
            lambda: [m for m in self.messages if notification_id in m.get("StatusCallback", "")],
            lambda found: len(found) == 1,
        )[-1]
        return found[0]["sid"], found[0]


def twilio_signature(auth_token: str, url: str, params: dict[str, str]) -> str:
    """How Twilio signs a callback (its RequestValidator): HMAC-SHA1 of URL + sorted params."""
    payload = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


@dataclass
class TwilioRig:
    sandbox: SandboxProcess
    twilio: FakeTwilio

    def callback_url(self, notification_id: str) -> str:
        return f"{self.sandbox.base_url}{RECEIPTS_PATH}?notification_id={notification_id}"

    def post_status(
        self,
        url: str,
        sid: str,
        status: str,
        error_code: str | None = None,
        *,
        token: str = AUTH_TOKEN,
    ) -> requests.Response:
        form = {
            "AccountSid": ACCOUNT_SID,
            "MessageSid": sid,
            "SmsSid": sid,
            "MessageStatus": status,
            "SmsStatus": status,
            "To": "+447700900501",
            "From": FROM_NUMBER,
            "ApiVersion": "2010-04-01",
        }
        if error_code:
            form["ErrorCode"] = error_code
        return requests.post(
            url,
            data=urlencode(form),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": twilio_signature(token, url, form),
            },
            timeout=10,
        )


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwilioRig]:
    directory = tmp_path_factory.mktemp("twilio")
    twilio = FakeTwilio()
    port = free_port()
    with ThreadedServer(twilio.app()) as server:
        config = write_config(
            directory / "sandbox.toml",
            [
                {
                    "name": "twilio",
                    "kind": "twilio",
                    "channel": "sms",
                    "priority": 1,
                    "settings": {
                        "account_sid": ACCOUNT_SID,
                        "auth_token": AUTH_TOKEN,
                        "from_number": FROM_NUMBER,
                        "base_url": server.url,
                        "status_callback_url": f"http://127.0.0.1:{port}{RECEIPTS_PATH}"
                        "?notification_id={notification_id}",
                        "timeout": 5,
                    },
                }
            ],
        )
        with running_sandbox(directory / "data", config=config, port=port) as sandbox:
            yield TwilioRig(sandbox, twilio)


@pytest.fixture
def receipts(rig: TwilioRig) -> TwilioRig:
    """The rig, with the receipt route answering (unsigned is 403 there, 404 if unrouted)."""
    probe = requests.post(f"{rig.sandbox.base_url}{RECEIPTS_PATH}", data={}, timeout=10)
    assert probe.status_code == 403, f"POST {RECEIPTS_PATH} is not routed: {probe.status_code}"
    return rig


def sent_through_twilio(rig: TwilioRig, phone: str = TEAM_PHONE) -> tuple[str, str, str]:
    """Send an SMS with the live key; wait until Twilio has it. (id, sid, reference)"""
    client = client_for(rig.sandbox, "live")
    reference = unique_reference("twilio")
    sent = client.send_sms_notification(
        phone, SMS_TEMPLATE, {"name": "Tw", "code": "5"}, reference=reference
    )
    sid, _ = rig.twilio.sid_for(sent["id"])
    status_history(client, sent["id"], until={"sending"})
    return sent["id"], sid, reference


def status_of(rig: TwilioRig, notification_id: str) -> str:
    return str(client_for(rig.sandbox, "live").get_notification_by_id(notification_id)["status"])


def test_the_message_reaches_twilio_as_a_signed_form(rig: TwilioRig) -> None:
    notification_id, _, reference = sent_through_twilio(rig)

    _, form = rig.twilio.sid_for(notification_id)
    assert form["To"] == "+447700900501"
    assert form["From"] == FROM_NUMBER
    assert form["Body"] == "Hello Tw, your code is 5."
    assert form["StatusCallback"] == rig.callback_url(notification_id)
    [message] = wait_for_messages(rig.sandbox, 1, reference=reference)
    assert message["provider"] == "twilio"
    # queued at Twilio: handed off, waiting for the receipt
    assert status_of(rig, notification_id) == "sending"
    assert AUTH_TOKEN not in rig.sandbox.log_path.read_text("utf-8")


def test_status_callbacks_move_the_status_on_then_stop(receipts: TwilioRig) -> None:
    rig = receipts
    notification_id, sid, _ = sent_through_twilio(rig)
    url = rig.callback_url(notification_id)

    sent = rig.post_status(url, sid, "sent")
    assert sent.status_code == 200, sent.text
    assert sent.json() == {"notification_id": notification_id, "status": "pending", "applied": True}
    assert status_of(rig, notification_id) == "pending"

    delivered = rig.post_status(url, sid, "delivered")
    assert delivered.json()["status"] == "delivered"
    assert status_of(rig, notification_id) == "delivered"
    assert client_for(rig.sandbox, "live").get_notification_by_id(notification_id)["completed_at"]

    # a final status is final: later (or replayed) receipts are ignored
    late = rig.post_status(url, sid, "undelivered", "30003")
    assert late.status_code == 200
    assert late.json() == {
        "notification_id": notification_id,
        "status": "delivered",
        "applied": False,
    }
    assert status_of(rig, notification_id) == "delivered"


@pytest.mark.parametrize(
    ("twilio_status", "error_code", "expected"),
    [
        ("undelivered", "30003", "temporary-failure"),  # handset off
        ("failed", "21211", "permanent-failure"),  # invalid number
        ("failed", "30002", "technical-failure"),  # account suspended
        ("delivered", None, "delivered"),
    ],
)
def test_final_twilio_statuses_map_onto_notify_statuses(
    receipts: TwilioRig, twilio_status: str, error_code: str | None, expected: str
) -> None:
    rig = receipts
    notification_id, sid, _ = sent_through_twilio(rig)

    response = rig.post_status(rig.callback_url(notification_id), sid, twilio_status, error_code)

    assert response.status_code == 200, response.text
    assert status_of(rig, notification_id) == expected


def test_a_receipt_signed_with_the_wrong_token_is_refused(receipts: TwilioRig) -> None:
    rig = receipts
    notification_id, sid, _ = sent_through_twilio(rig)
    url = rig.callback_url(notification_id)

    forged = rig.post_status(url, sid, "failed", "21211", token="not-the-auth-token")
    unsigned = requests.post(url, data={"MessageSid": sid, "MessageStatus": "failed"}, timeout=10)

    assert forged.status_code == 403
    assert unsigned.status_code == 403
    assert status_of(rig, notification_id) == "sending"


def test_unknown_sid_is_404_and_an_incomplete_form_400(receipts: TwilioRig) -> None:
    rig = receipts
    url = f"{rig.sandbox.base_url}{RECEIPTS_PATH}"

    unknown = rig.post_status(url, "SM" + "0" * 32, "delivered")
    incomplete_form = {"MessageSid": "SM1"}
    incomplete = requests.post(
        url,
        data=incomplete_form,
        headers={"X-Twilio-Signature": twilio_signature(AUTH_TOKEN, url, incomplete_form)},
        timeout=10,
    )

    assert unknown.status_code == 404
    assert incomplete.status_code == 400
    assert incomplete.json()["errors"][0]["error"] == "BadRequestError"


def test_twilio_refusing_the_number_is_a_permanent_failure(rig: TwilioRig) -> None:
    client = client_for(rig.sandbox, "live")

    sent = client.send_sms_notification(REJECTED_NUMBER, SMS_TEMPLATE, {"name": "X", "code": "0"})

    assert status_history(client, sent["id"])[-1] == "permanent-failure"

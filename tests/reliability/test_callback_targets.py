"""Defect 5: callback URLs are checked when set, and a delivery connects to the address checked.

The URL rules run against the real server; the rebinding case drives the real sender code
against a real receiver with a resolver whose answer changes between two look-ups.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import requests

from simulator.delivery.callback_target import TargetRefused, pin_target
from simulator.domain.callbacks import AddressGuard
from tests.integration.callback_support import CallbackReceiver, wait_for_callback
from tests.reliability.jwt_support import send_sms
from tests.reliability.support import ADMIN, service_path
from tests.sandbox_process import SandboxProcess

TOKEN = "callback-token-0123456789"


@pytest.fixture(scope="module")
def local_callbacks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    env = {
        "SANDBOX_CALLBACKS_ALLOW_HTTP": "true",
        "SANDBOX_CALLBACKS_ALLOW_ADDRESSES": "127.0.0.1",
    }
    process = SandboxProcess(Path(tmp_path_factory.mktemp("cb")), env=env).start()
    yield process
    process.stop()


def _put(sandbox: SandboxProcess, url: str) -> requests.Response:
    return requests.put(
        sandbox.base_url + service_path("/callbacks/delivery-status"),
        json={"url": url, "bearer_token": TOKEN},
        headers=ADMIN,
        timeout=5,
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://[::1",
        "https://localhost:99999/x",
        "https://localhost:abc/x",
        "https://example.com:0/x",
        "https://169.254.169.254/",
        "https://[::ffff:169.254.169.254]/",
        "https://127.0.0.1/x",
        "https://localhost/x",
        "https://10.0.0.7/x",
        "https://[fd00::1]/x",
    ],
)
def test_a_url_that_cannot_or_must_not_be_called_is_refused_when_set(
    sandbox: SandboxProcess, url: str
) -> None:
    response = _put(sandbox, url)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["error"] == "BadRequestError"


def test_a_public_name_is_accepted_when_set(sandbox: SandboxProcess) -> None:
    assert _put(sandbox, "https://hooks.example.com:8443/notify").status_code == 200


def test_one_setting_lets_callbacks_reach_this_machine(local_callbacks: SandboxProcess) -> None:
    with CallbackReceiver() as receiver:
        assert _put(local_callbacks, receiver.url).status_code == 200
        sent = send_sms(local_callbacks, "test")
        wait_for_callback(local_callbacks, sent["id"], "delivered")
        assert receiver.wait_for(1)[0].body["id"] == sent["id"]
    # other private addresses stay refused
    assert _put(local_callbacks, "http://10.0.0.7/x").status_code == 400


async def test_delivery_connects_to_the_address_it_checked() -> None:
    """DNS rebinding: the first answer passes the check, a second would be the metadata IP."""
    answers = [["127.0.0.1"], ["169.254.169.254"]]
    asked: list[str] = []

    async def rebinding(host: str, port: int) -> list[str]:
        asked.append(host)
        return answers[min(len(asked) - 1, 1)]

    guard = AddressGuard.from_settings(False, ["127.0.0.1"])
    with CallbackReceiver() as receiver:
        port = int(receiver.url.split(":")[2].split("/")[0])
        url = f"http://rebind.test:{port}/notify/callbacks"
        target = await pin_target(url, guard, rebinding)
        async with httpx.AsyncClient() as client:
            response = await client.post(
                target.url, json={"id": "x"}, headers={"Host": target.host_header}
            )
        assert response.status_code == 200
        hit = receiver.wait_for(1)[0]
    assert asked == ["rebind.test"]  # resolved once
    assert hit.headers["Host"] == f"rebind.test:{port}"
    with pytest.raises(TargetRefused):
        await pin_target(url, guard, rebinding)  # the second answer is refused, not used


async def test_a_name_with_any_refused_address_is_refused() -> None:
    async def mixed(host: str, port: int) -> list[str]:
        return ["93.184.215.14", "169.254.169.254"]

    with pytest.raises(TargetRefused):
        await pin_target("https://mixed.example/x", AddressGuard(), mixed)


async def test_https_keeps_the_name_for_tls_verification() -> None:
    async def public(host: str, port: int) -> list[str]:
        return ["93.184.215.14"]

    target = await pin_target("https://hooks.example.com/cb?x=1", AddressGuard(), public)
    assert target.url == "https://93.184.215.14:443/cb?x=1"
    assert target.sni_hostname == "hooks.example.com"
    assert target.host_header == "hooks.example.com"

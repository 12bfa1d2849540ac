"""A password set with `notify-sandbox team set-password` survives a restart; the banner warns."""

from __future__ import annotations

from pathlib import Path

import httpx

from simulator.banner import banner
from simulator.config import Config
from simulator.fixtures import LoadedFixtures
from tests.sandbox_process import ADMIN_TOKEN, SandboxProcess
from tests.web.support import DASHBOARD_FIXTURES, LIVE, Browser


def test_a_set_password_survives_a_restart(tmp_path: Path) -> None:
    server = SandboxProcess(tmp_path, fixtures=DASHBOARD_FIXTURES).start()
    try:
        response = httpx.put(
            f"{server.base_url}/sandbox/v1/services/{LIVE}/team/nopass@example.com/password",
            json={"password": "now-i-can-sign-in"},
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        )
        assert response.status_code == 200
        assert "now-i-can-sign-in" not in response.text and "argon2" not in response.text
        server.stop()
        server.start()
        browser = Browser(server.base_url)
        signed_in = browser.sign_in("nopass@example.com", "now-i-can-sign-in")
        assert signed_in.headers["Location"] == f"/services/{LIVE}"
        browser.close()
        stored = (tmp_path / "fixture-fields.json").read_text()
        assert "alice-password" not in stored  # the fixture memory keeps digests only
    finally:
        server.stop()


def test_the_banner_warns_off_loopback_while_the_documented_password_is_in_use(
    tmp_path: Path,
) -> None:
    from simulator.app import load_profile

    for host, warned in (("127.0.0.1", False), ("0.0.0.0", True)):
        config = Config(host=host, data_dir=tmp_path, admin_token="configured")
        text = banner(
            config=config,
            profile=load_profile(config),
            fixtures=LoadedFixtures(),
            admin_token="configured",
            url="http://127.0.0.1:6011",
            has_dashboard=True,
            documented_password_members=["ada@example.com"],
        )
        assert "sign in as ada@example.com, password notify-sandbox (documented)" in text
        assert ("WARNING: 0.0.0.0 is reachable from other machines" in text) is warned

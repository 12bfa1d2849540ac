"""Issue 11 items 6 and 7: what `notify-sandbox serve` prints and refuses, as a user meets it."""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.sandbox_process import SandboxProcess, free_port, run_module

BANNER_READY = "Next steps"
NO_TOKEN = {"SANDBOX_ADMIN_TOKEN": ""}  # empty is unset: the server generates one


@pytest.fixture
def listening_socket() -> Iterator[int]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield int(taken.getsockname()[1])


def test_a_taken_port_is_one_line_naming_the_port_and_the_way_out(
    listening_socket: int, tmp_path: Path
) -> None:
    done = run_module("serve", "--port", str(listening_socket), "--data-dir", str(tmp_path / "d"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"notify-sandbox: port {listening_socket} on 127.0.0.1 is already in use; "
        "choose another with --port (or SANDBOX_PORT)"
    ]
    assert "Traceback" not in done.stdout + done.stderr
    assert not (tmp_path / "d").exists()  # refused before any start-up work


def _serve(data_dir: Path, *arguments: str, env: dict[str, str] | None = None) -> SandboxProcess:
    process = SandboxProcess(data_dir, fixtures=None, env=env or {}, arguments=arguments)
    return process.start()


def test_the_banner_comes_once_the_socket_is_bound_and_ends_with_next_steps(
    tmp_path: Path,
) -> None:
    process = SandboxProcess(tmp_path / "d", fixtures=None, env=NO_TOKEN)
    try:
        # no polling of /_status: the banner alone says the server is reachable
        process.start(wait=False)
        printed = process.wait_for_output("  Docs ")
        assert requests.get(f"{process.base_url}/_status", timeout=2).status_code == 200
    finally:
        process.stop()
    banner = printed[printed.index("Notify Sandbox") :]
    assert f"listening on {process.base_url}" in banner.splitlines()[0]
    assert "Verification code  (placeholders: code, minutes)" in banner
    assert "Welcome  (placeholders: service name, first_name, show_tips, items)" in banner
    steps = banner[banner.index(BANNER_READY) :]
    assert f"  API        {process.base_url}" in steps
    assert f"  Dashboard  {process.base_url}/sign-in" in steps
    assert "a number ending 7700900003         temporary-failure" in steps
    assert "perm-fail@simulator.notify         permanent-failure" in steps
    assert "https://docs.notifications.service.gov.uk/" in steps


def test_a_generated_admin_token_is_kept_0600_and_reused_by_the_next_start_and_the_run_module(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "d"
    first = _serve(data_dir, env=NO_TOKEN)
    first.stop()
    token_file = data_dir / "admin-token"
    token = token_file.read_text().strip()
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    log = first.log_path.read_text()
    assert f"Admin token for /sandbox/v1: {token}  (generated, kept in {token_file})" in log

    second = _serve(data_dir, env=NO_TOKEN)
    try:
        assert first.log_path.read_text().count(token) == 2  # the same token, shown again
        listed = run_module(
            "services", "list", "--url", second.base_url, "--data-dir", str(data_dir)
        )
        assert listed.returncode == 0, listed.stderr
        assert "Sandbox" in listed.stdout
    finally:
        second.stop()


def test_a_configured_admin_token_is_never_printed_or_logged(tmp_path: Path) -> None:
    secret = "configured-admin-token-9f8e7d6c5b4a"
    process = _serve(
        tmp_path / "d", env={"SANDBOX_ADMIN_TOKEN": secret, "SANDBOX_LOG_LEVEL": "debug"}
    )
    try:
        headers = {"Authorization": f"Bearer {secret}"}
        response = requests.get(
            f"{process.base_url}/sandbox/v1/services", headers=headers, timeout=5
        )
        assert response.status_code == 200
        wrong = requests.get(
            f"{process.base_url}/sandbox/v1/services",
            headers={"Authorization": f"Bearer {secret}x"},
            timeout=5,
        )
        assert wrong.status_code in {401, 403}
    finally:
        process.stop()
    log = process.log_path.read_text()
    assert "Admin token for /sandbox/v1: as configured (not shown)" in log
    assert secret not in log
    assert not (process.data_dir / "admin-token").exists()


@pytest.mark.parametrize(("first", "second"), [("uk", "ca"), ("ca", "uk")])
def test_a_data_dir_serves_only_the_profile_that_created_it(
    tmp_path: Path, first: str, second: str
) -> None:
    data_dir = tmp_path / "d"
    _serve(data_dir, "--profile", first).stop()
    done = run_module(
        "serve", "--profile", second, "--data-dir", str(data_dir), "--port", str(free_port())
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"notify-sandbox: the data dir {data_dir} belongs to the {first!r} profile; this server "
        f"is {second!r}. Give it a data dir of its own (--data-dir or SANDBOX_DATA_DIR), or "
        f"start with --profile {first}"
    ]
    assert "Traceback" not in done.stderr
    again = _serve(data_dir, "--profile", first)  # its own profile still starts
    again.stop()

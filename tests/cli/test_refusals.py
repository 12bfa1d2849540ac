"""Issue 11 item 5: unknown or misspelt settings are refused on the command line, by name.

Each case runs `python -m simulator serve` as a user types it and reads its one-line error.
"""

from __future__ import annotations

import copy
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.sandbox_process import ROOT, free_port, run_module

EXAMPLE = yaml.safe_load((ROOT / "fixtures" / "example.yaml").read_text("utf-8"))


def _refusal(*argv: str, env: dict[str, str] | None = None) -> str:
    done = run_module(*argv, env=env)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def _serve_with(tmp_path: Path, change: Callable[[Any], None]) -> str:
    data = copy.deepcopy(EXAMPLE)
    change(data)
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data), "utf-8")
    port, data_dir = str(free_port()), str(tmp_path / "d")
    return _refusal("serve", "--fixtures", str(path), "--port", port, "--data-dir", data_dir)


def _service(data: Any) -> Any:
    return data["services"][0]


def _rename(mapping: dict[str, Any], old: str, new: str) -> None:
    mapping[new] = mapping.pop(old)


FIXTURE_CASES = {
    "a misspelt service key": (
        lambda d: _rename(_service(d), "templates", "tempaltes"),
        "services[0]: unknown field 'tempaltes' (did you mean 'templates'?); valid: active, ",
    ),
    "a misspelt top-level key": (
        lambda d: _rename(d, "services", "service"),
        "top level: unknown field 'service' (did you mean 'services'?); valid: faults, services",
    ),
    "an unknown template key": (
        lambda d: _service(d)["templates"][1].update(colour="blue"),
        "services[0].templates[1]: unknown field 'colour'; valid: archived, body, created_by, ",
    ),
    "a template id that is not a UUID": (
        lambda d: _service(d)["templates"][1].update(id="abc"),
        "services[0].templates[1].id: not a UUID: 'abc'",
    ),
    "a key secret that is not a UUID": (
        lambda d: _service(d)["api_keys"][0].update(secret="hunter2"),
        "services[0].api_keys[0].secret: not a UUID: 'hunter2'; a key secret is a UUID such as "
        "3d844edf-8d35-48ac-975b-e847b4f122b0 (the full key is <name>-<service id>-<secret>)",
    ),
    "an unknown limit": (
        lambda d: _service(d)["limits"].update(smss=3),
        "services[0].limits: unknown field 'smss' (did you mean 'sms'?)",
    ),
    "an out-of-range number": (
        lambda d: _service(d).update(rate_limit="fast"),
        "services[0].rate_limit: must be a whole number from 1 to 1000000, got 'fast'",
    ),
}


@pytest.mark.parametrize("case", list(FIXTURE_CASES))
def test_a_bad_fixture_field_is_refused_with_its_path(tmp_path: Path, case: str) -> None:
    change, expected = FIXTURE_CASES[case]
    line = _serve_with(tmp_path, change)
    assert line.startswith(f"notify-sandbox: {tmp_path / 'mine.yaml'}: {expected}"), line


def _serve_env(tmp_path: Path, **env: str) -> str:
    port, data_dir = str(free_port()), str(tmp_path / "d")
    return _refusal("serve", "--port", port, "--data-dir", data_dir, env=env)


def test_a_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    assert _serve_env(tmp_path, SANDBOX_PORT="abc") == (
        "notify-sandbox: SANDBOX_PORT: cannot read 'abc' as a port"
    )
    assert _serve_env(tmp_path, SANDBOX_SIM_DELIVERY_DELAY="soon") == (
        "notify-sandbox: SANDBOX_SIM_DELIVERY_DELAY: cannot read 'soon' as a number of seconds"
    )


def test_an_unknown_config_file_key_is_refused_naming_the_valid_ones(tmp_path: Path) -> None:
    config = tmp_path / "sandbox.toml"
    config.write_text("prot = 7000\n", "utf-8")
    line = _serve_env(tmp_path, SANDBOX_CONFIG=str(config))
    assert line.startswith(
        f"notify-sandbox: config file {config}: unknown setting 'prot' (did you mean 'port'?); "
        "valid: admin_cors_origins, admin_token, "
    )


def test_an_unknown_provider_setting_is_refused_naming_what_the_provider_reads(
    tmp_path: Path,
) -> None:
    providers = '[{"name": "mail", "kind": "smtp", "channel": "email", "settings": {"hots": "x"}}]'
    assert _serve_env(tmp_path, SANDBOX_PROVIDERS=providers) == (
        "notify-sandbox: providers: provider 'mail': unknown smtp setting 'hots' "
        "(did you mean 'host'?); valid: host, password, port, starttls, timeout, use_tls, "
        "username, validate_certs"
    )


def test_an_unknown_environment_variable_is_a_warning(tmp_path: Path) -> None:
    with socket.socket() as taken:  # so the server stops at once, after the warnings
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        done = run_module("serve", "--port", port, env={"SANDBOX_PROT": "7000"})
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == (
        "notify-sandbox: warning: SANDBOX_PROT is not a setting and is ignored "
        "(did you mean SANDBOX_PORT?)"
    )

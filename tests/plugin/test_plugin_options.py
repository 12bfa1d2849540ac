"""The plugin's fixture-file options, in a pytest run of their own (as a user's project)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from simulator.testing.handle import NotifySandbox

ROOT = Path(__file__).resolve().parents[2]

INNER_TESTS = """
import os

import pytest


def test_keys(notify_sandbox, notify_sandbox_session):
    expected = os.environ["EXPECTED_KEY"]
    assert list(notify_sandbox.keys) == [expected]
    assert list(notify_sandbox_session.keys) == [expected]
    assert notify_sandbox.test_key.startswith(expected + "-")


@pytest.mark.notify_sandbox(fixtures=["missing.yaml"])
def test_missing_file(notify_sandbox):
    pass
"""


def fixture_file(name: str, number: int) -> str:
    return textwrap.dedent(
        f"""\
        services:
          - id: 0000000{number}-0000-4000-8000-000000000000
            name: {name} service
            api_keys:
              - name: {name}-test
                key_type: test
                secret: 0000000{number}-1111-4111-8111-111111111111
        """
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "notify").mkdir()
    (tmp_path / "notify" / "ini.yaml").write_text(fixture_file("ini", 1))
    (tmp_path / "cli.yaml").write_text(fixture_file("cli", 2))
    (tmp_path / "pytest.ini").write_text("[pytest]\nnotify_sandbox_fixtures = notify/ini.yaml\n")
    (tmp_path / "test_inner.py").write_text(INNER_TESTS)
    return tmp_path


def run_pytest(project: Path, expected_key: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "EXPECTED_KEY": expected_key,
        "PYTHONPATH": str(ROOT),
        # only this plugin, loaded by name: the same whether or not its entry point is installed
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }
    command = [sys.executable, "-m", "pytest", "-p", "simulator.testing.plugin"]
    command += ["-p", "no:cacheprovider", "-q", *args]
    return subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_ini_option_names_the_fixture_file(project: Path) -> None:
    result = run_pytest(project, "ini-test")

    assert result.returncode == 1, result.stdout + result.stderr  # test_missing_file errors
    assert "1 passed" in result.stdout and "1 error" in result.stdout, result.stdout
    # a missing fixture file fails its test with a clear message, not a traceback
    assert "notify_sandbox: cannot read fixture file" in result.stdout
    assert "missing.yaml" in result.stdout
    assert "During handling" not in result.stdout


def test_the_command_line_option_replaces_the_ini_option(project: Path) -> None:
    result = run_pytest(
        project, "cli-test", "-k", "test_keys", "--notify-sandbox-fixtures", "cli.yaml"
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_name_the_fixtures_do_not_have_lists_the_names_they_have(
    notify_sandbox: NotifySandbox,
) -> None:
    with pytest.raises(KeyError, match=r"no template named 'Verificaton code'.*'Welcome'"):
        notify_sandbox.template_ids["Verificaton code"]
    with pytest.raises(KeyError, match=r"no key named 'live'.*'sandbox-live'"):
        notify_sandbox.keys["live"]

"""The wheel, installed into a fresh venv outside the checkout, as a user installs it (issue 11).

The wheel is built and installed with packaging/build-wheel.sh and install-wheel.sh, the
same steps the Dockerfile runs. Everything then runs in an empty folder with the venv's
own commands, so nothing can be read from the checkout: a data file missing from the
wheel fails the start-up, the OpenAPI read or the user's test file below.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from simulator import __version__
from tests.sandbox_process import ROOT, SandboxProcess

pytestmark = pytest.mark.packaging

PACKAGING = ROOT / "packaging"
# what a user's project adds beside the sandbox to run the test file below
USER_REQUIREMENTS = ("pytest", "notifications-python-client")
# source-tree files that are documentation for contributors, not read at run time
NOT_RUNTIME = {"README.md"}


@dataclass(frozen=True)
class Installed:
    wheel: Path
    bin: Path  # the fresh venv's bin/
    home: Path  # an empty folder outside the checkout: the user's project
    env: dict[str, str]


def _run(
    command: list[str | Path], *, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("packaging")
    assert not base.resolve().is_relative_to(ROOT)
    wheels, venv, home = base / "wheels", base / "venv", base / "project"
    home.mkdir()
    builder_path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    _run(
        ["sh", PACKAGING / "build-wheel.sh", ROOT, wheels], env={**os.environ, "PATH": builder_path}
    )
    _run([sys.executable, "-m", "venv", venv])
    # the user's environment: the venv first on PATH, nothing pointing into the checkout
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}
        and not name.startswith("SANDBOX_")
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"
    _run(["sh", PACKAGING / "install-wheel.sh", wheels, *USER_REQUIREMENTS], env=env, cwd=home)
    (wheel,) = wheels.glob("notify_sandbox-*.whl")
    return Installed(wheel=wheel, bin=venv / "bin", home=home, env=env)


def test_the_wheel_holds_every_data_file_of_the_package(installed: Installed) -> None:
    in_tree = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "simulator").rglob("*")
        if path.is_file()
        and path.suffix not in {".py", ".pyc"}
        and "__pycache__" not in path.parts
        and path.name not in NOT_RUNTIME
    }
    assert "simulator/data/fixtures/default.yaml" in in_tree
    with zipfile.ZipFile(installed.wheel) as wheel:
        missing = in_tree - set(wheel.namelist())
    assert not missing, f"add these to [tool.setuptools.package-data]: {sorted(missing)}"


def test_the_venv_imports_the_installed_package_not_the_checkout(installed: Installed) -> None:
    done = _run(
        [installed.bin / "python", "-c", "import simulator; print(simulator.__file__)"],
        env=installed.env,
        cwd=installed.home,
    )
    location = Path(done.stdout.strip()).resolve()
    assert location.is_relative_to(installed.bin.parent.resolve())
    assert not location.is_relative_to(ROOT)


def test_version(installed: Installed) -> None:
    done = _run([installed.bin / "notify-sandbox", "--version"], env=installed.env)
    assert done.stdout.strip() == f"notify-sandbox {__version__}"


@pytest.fixture
def served(installed: Installed, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """`notify-sandbox serve --profile <param>` from the venv, in the empty folder."""
    process = SandboxProcess(
        tmp_path / "data",
        fixtures=None,
        program=[str(installed.bin / "notify-sandbox")],
        cwd=installed.home,
        arguments=["--profile", request.param],
        env={"PATH": installed.env["PATH"], "PYTHONPATH": ""},
    )
    process.start(timeout=30)
    yield process.base_url
    process.stop()


@pytest.mark.parametrize("served", ["uk", "ca"], indirect=True)
def test_serve_answers_status_for_each_profile(served: str, installed: Installed) -> None:
    assert requests.get(f"{served}/_status", timeout=5).status_code == 200
    # the image's HEALTHCHECK command, as written in the Dockerfile, run by the venv's python
    command = _dockerfile_healthcheck().replace(":6011/", f":{served.rsplit(':', 1)[1]}/")
    program, *arguments = shlex.split(command)
    assert program == "python"
    _run([installed.bin / "python", *arguments], env=installed.env, cwd=installed.home)


def _dockerfile_healthcheck() -> str:
    text = (ROOT / "Dockerfile").read_text("utf-8").replace("\\\n", " ")
    (line,) = (line for line in text.splitlines() if line.startswith("HEALTHCHECK"))
    return line.split(" CMD ", 1)[1].strip()


def test_the_dockerfile_installs_only_the_wheel_as_a_non_root_user() -> None:
    """What can be checked without Docker: the image runs the steps this module tests."""
    text = (ROOT / "Dockerfile").read_text("utf-8")
    build, final = re.split(r"(?m)^FROM ", text)[1:]
    assert " AS build\n" in build
    assert "packaging/build-wheel.sh" in build
    assert "install-wheel.sh /wheels" in final
    assert "COPY simulator" not in final and "pip install -e" not in text
    assert "\nUSER sandbox\n" in final and "HEALTHCHECK" in final


@pytest.mark.parametrize("served", ["ca"], indirect=True)
def test_the_ca_profile_serves_its_openapi_documents(served: str) -> None:
    for language in ("en", "fr"):
        response = requests.get(f"{served}/v2/openapi-{language}", timeout=5)
        assert response.status_code == 200
        assert response.text.startswith("openapi:") or "openapi:" in response.text


USER_TEST_FILE = """
import pytest
from notifications_python_client import NotificationsAPIClient


def test_the_default_service_sends_a_code(notify_sandbox):
    client = NotificationsAPIClient(notify_sandbox.test_key, base_url=notify_sandbox.base_url)
    template_id = notify_sandbox.template_ids["Verification code"]
    code = {"code": "123456", "minutes": 5}
    sent = client.send_sms_notification("07700900123", template_id, code)
    message = notify_sandbox.wait_for_message(type="sms")
    assert message["notification_id"] == sent["id"]
    assert "123456" in message["body"]


def test_a_misspelt_template_name_lists_the_names(notify_sandbox):
    with pytest.raises(KeyError, match="it has: 'Verification code', 'Welcome', 'Plain notice'"):
        notify_sandbox.template_ids["Verificaton code"]


@pytest.mark.notify_sandbox(fixtures=["example.yaml"])
def test_the_example_fixture_file(notify_sandbox):
    key = notify_sandbox.keys["example-test"]
    client = NotificationsAPIClient(key, base_url=notify_sandbox.base_url)
    template_id = notify_sandbox.template_ids["Appointment reminder"]
    client.send_sms_notification("07700900742", template_id, {"date": "1 May", "time": "10am"})
    assert "1 May at 10am" in notify_sandbox.wait_for_message(type="sms")["body"]
"""


def test_a_users_pytest_file_passes_with_the_plugin(installed: Installed) -> None:
    (installed.home / "test_user.py").write_text(USER_TEST_FILE)
    shutil.copy(ROOT / "fixtures" / "example.yaml", installed.home / "example.yaml")
    done = subprocess.run(
        [str(installed.bin / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=installed.home,
        env=installed.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout

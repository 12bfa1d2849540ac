"""The pytest plugin (entry point ``pytest11``): `notify_sandbox` and `notify_sandbox_session`.

Each fixture runs the sandbox in-process on a free 127.0.0.1 port with a temporary store,
status timelines of zero seconds and a generated admin token, and yields a `NotifySandbox`.

Fixture files (instead of the sandbox's default services, keys and templates):

- ini option ``notify_sandbox_fixtures``: one path a line, relative to the ini file;
- ``--notify-sandbox-fixtures PATH`` (repeatable, relative to the current directory),
  which replaces the ini option when given;
- ``@pytest.mark.notify_sandbox(fixtures=[...], **settings)`` on a test using
  `notify_sandbox`: paths relative to the test file, plus any sandbox setting
  (``sim_delivery_delay=2``, ``strict=True``...).

Override the session-scoped `notify_sandbox_settings` fixture (a dict) in a conftest.py
to change settings for every sandbox.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest

from simulator.config import ConfigError
from simulator.fixtures import FixtureError
from simulator.testing.handle import NotifySandbox
from simulator.testing.launch import start_sandbox

__all__ = [
    "notify_sandbox",
    "notify_sandbox_session",
    "notify_sandbox_settings",
    "pytest_addoption",
    "pytest_configure",
]

_INI = "notify_sandbox_fixtures"
_MARKER = "notify_sandbox"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("notify_sandbox", "Notify Sandbox")
    group.addoption(
        "--notify-sandbox-fixtures",
        action="append",
        default=[],
        metavar="PATH",
        dest="notify_sandbox_fixtures",
        help="fixture file for the notify_sandbox fixtures; repeatable (replaces the ini option)",
    )
    parser.addini(
        _INI,
        type="paths",
        default=[],
        help="fixture files for the notify_sandbox fixtures, one a line, relative to this file",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(fixtures=None, **settings): fixture files (relative to the test file) and "
        "sandbox settings for this test's notify_sandbox",
    )


@pytest.fixture(scope="session")
def notify_sandbox_settings() -> dict[str, Any]:
    """Sandbox settings for every sandbox; override in conftest.py, e.g. {"strict": True}."""
    return {}


@pytest.fixture(scope="session")
def notify_sandbox_session(
    pytestconfig: pytest.Config,
    tmp_path_factory: pytest.TempPathFactory,
    notify_sandbox_settings: dict[str, Any],
) -> Iterator[NotifySandbox]:
    """One sandbox for the whole session: fast, but shared; call `reset()` where it matters."""
    with _running(
        tmp_path_factory.mktemp("notify-sandbox"),
        _configured_fixtures(pytestconfig),
        notify_sandbox_settings,
    ) as handle:
        yield handle


@pytest.fixture
def notify_sandbox(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    notify_sandbox_settings: dict[str, Any],
) -> Iterator[NotifySandbox]:
    """A sandbox of this test's own, started for it and stopped after it."""
    fixtures = _configured_fixtures(request.config)
    settings = dict(notify_sandbox_settings)
    marker = request.node.get_closest_marker(_MARKER)
    if marker is not None:
        if marker.args:
            pytest.fail(f"@pytest.mark.{_MARKER} takes keyword arguments only", pytrace=False)
        marked = dict(marker.kwargs)
        marked_fixtures = marked.pop("fixtures", None)
        if marked_fixtures is not None:
            fixtures = _resolve(_as_paths(marked_fixtures), request.path.parent)
        settings.update(marked)
    with _running(tmp_path_factory.mktemp("notify-sandbox"), fixtures, settings) as handle:
        yield handle


@contextmanager
def _running(
    data_dir: Path, fixtures: Sequence[Path], settings: Mapping[str, Any]
) -> Iterator[NotifySandbox]:
    with ExitStack() as stack:
        started = _start(stack, data_dir, fixtures, settings)
        if isinstance(started, str):  # failed outside the `except`: no chained traceback
            pytest.fail(started, pytrace=False)
        yield started


def _start(
    stack: ExitStack, data_dir: Path, fixtures: Sequence[Path], settings: Mapping[str, Any]
) -> NotifySandbox | str:
    """The running sandbox's handle, or what is wrong with the settings or fixture files."""
    try:
        return stack.enter_context(start_sandbox(data_dir, fixtures=fixtures, **settings))
    except (ConfigError, FixtureError) as error:
        return f"notify_sandbox: {error}"


def _configured_fixtures(config: pytest.Config) -> tuple[Path, ...]:
    # the defaults cover fixtures imported into a conftest.py without the plugin's options
    given = config.getoption("notify_sandbox_fixtures", default=None) or []
    if given:
        return _resolve([Path(p) for p in given], config.invocation_params.dir)
    try:
        return tuple(Path(p) for p in config.getini(_INI))
    except ValueError:  # the ini option is not registered
        return ()


def _as_paths(value: Any) -> list[Path]:
    if isinstance(value, str | Path):
        return [Path(value)]
    return [Path(item) for item in value]


def _resolve(paths: Sequence[Path], base: Path) -> tuple[Path, ...]:
    return tuple(path if path.is_absolute() else base / path for path in paths)

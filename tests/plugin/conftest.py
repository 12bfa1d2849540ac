"""Enable the notify_sandbox plugin for these tests, unless pytest already loaded it.

Once pyproject.toml registers the plugin under the ``pytest11`` entry point (and the package
is reinstalled), pytest loads it by itself and this file may go; until then it registers the
module once. (``pytest_plugins = [...]`` cannot be used: pytest refuses it in a conftest.py
below the rootdir.)
"""

from __future__ import annotations

import pytest

from simulator.testing import plugin


def pytest_configure(config: pytest.Config) -> None:
    manager = config.pluginmanager
    if not manager.has_plugin("notify_sandbox") and not manager.is_registered(plugin):
        manager.register(plugin, "notify_sandbox")

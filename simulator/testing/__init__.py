"""Test support: run the sandbox in-process and drive it from tests.

The pytest plugin (`simulator.testing.plugin`, registered as ``notify_sandbox``) gives
tests the `notify_sandbox` fixture; `start_sandbox` does the same outside pytest.
"""

from simulator.testing.handle import NotifySandbox, SandboxAdminError
from simulator.testing.launch import sandbox_config, start_sandbox
from simulator.testing.server import FixtureKey, SandboxServer, ServerInfo

__all__ = [
    "FixtureKey",
    "NotifySandbox",
    "SandboxAdminError",
    "SandboxServer",
    "ServerInfo",
    "sandbox_config",
    "start_sandbox",
]

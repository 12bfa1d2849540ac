"""Start an in-process sandbox for tests: settings with test-friendly defaults, and a handle."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any

from simulator.config import Config, ConfigError
from simulator.testing.handle import NotifySandbox
from simulator.testing.server import SandboxServer

__all__ = ["SETTING_NAMES", "TEST_DEFAULTS", "sandbox_config", "start_sandbox"]

# Statuses are final at once, a delayed timeline (when a test asks for one) runs promptly,
# and callbacks may go to a plain-http server the test runs on this machine.
TEST_DEFAULTS: Mapping[str, Any] = {
    "sim_sending_delay": 0,
    "sim_delivery_delay": 0,
    "worker_poll_seconds": 0.05,
    "callbacks_allow_http": True,
    "callbacks_allow_addresses": ("127.0.0.1", "::1"),
}
# Everything Config.build reads, except what the test launcher decides itself.
SETTING_NAMES = frozenset(
    {f.name for f in fields(Config)} - {"timing", "host", "port", "data_dir", "fixtures"}
    | {"sim_sending_delay", "sim_delivery_delay"}
)


def sandbox_config(
    data_dir: Path, *, fixtures: Sequence[Path] = (), settings: Mapping[str, Any] | None = None
) -> Config:
    """A Config for a test sandbox; `settings` takes any Config.build name (e.g. strict=True)."""
    extra = dict(settings or {})
    unknown = sorted(set(extra) - SETTING_NAMES)
    if unknown:
        raise ConfigError(
            f"unknown sandbox setting(s) {', '.join(unknown)}; use {sorted(SETTING_NAMES)}"
        )
    values: dict[str, Any] = {
        **TEST_DEFAULTS,
        "admin_token": secrets.token_urlsafe(24),
        **extra,
        "data_dir": Path(data_dir),
    }
    if fixtures:
        values["fixtures"] = tuple(Path(path) for path in fixtures)
    return Config.build(values)


@contextmanager
def start_sandbox(
    data_dir: Path, *, fixtures: Sequence[Path] = (), **settings: Any
) -> Iterator[NotifySandbox]:
    """Run a sandbox on a free 127.0.0.1 port for the `with` block (outside pytest too)."""
    server = SandboxServer(sandbox_config(data_dir, fixtures=fixtures, settings=settings))
    info = server.start()
    try:
        with NotifySandbox(
            info.base_url,
            info.admin_token,
            keys=info.keys,
            template_ids=info.template_ids,
            services=info.services,
        ) as handle:
            yield handle
    finally:
        server.stop()

"""The command line: `notify-sandbox serve` (and `python -m simulator serve`)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from simulator import __version__
from simulator.cli_admin import add_admin_commands, run_admin_command
from simulator.config import PROFILES, Config, ConfigError
from simulator.fixtures import FixtureError
from simulator.logging_setup import configure_logging

if TYPE_CHECKING:
    from aiohttp import web

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="notify-sandbox", description=__doc__)
    parser.add_argument("--version", action="version", version=f"notify-sandbox {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the sandbox API")
    serve.add_argument("--host", help="listen address (SANDBOX_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="listen port (SANDBOX_PORT, default 6011)")
    serve.add_argument("--data-dir", type=Path, help="SQLite and key file (SANDBOX_DATA_DIR)")
    serve.add_argument(
        "--fixtures", type=Path, action="append", help="fixture file; repeatable (SANDBOX_FIXTURES)"
    )
    serve.add_argument(
        "--profile",
        choices=list(PROFILES),
        help="which Notify to be: uk (GOV.UK) or ca (GC Notify) (SANDBOX_PROFILE)",
    )
    serve.add_argument("--config", type=Path, help="TOML settings file (SANDBOX_CONFIG)")
    add_admin_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    env = dict(os.environ)
    if args.command != "serve":
        return run_admin_command(args, env)
    if getattr(args, "config", None):
        env["SANDBOX_CONFIG"] = str(args.config)
    try:
        config = Config.from_env(env).with_overrides(
            host=args.host,
            port=args.port,
            data_dir=args.data_dir,
            fixtures=tuple(args.fixtures) if args.fixtures else None,
            profile=args.profile,
        )
    except ConfigError as error:
        print(f"notify-sandbox: {error}", file=sys.stderr)
        return 2
    configure_logging(config.log_format, config.log_level)
    return _serve(config)


def _serve(config: Config) -> int:
    # imported here: admin commands should not pay for loading the whole server
    from aiohttp import web

    from simulator.app import create_app

    # the SQLite threads hold the GIL in short bursts; a shorter switch interval keeps
    # the event loop from waiting up to 5 ms behind them (p99 latency, issue 4)
    sys.setswitchinterval(0.0005)
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    app = create_app(config)
    app.on_startup.append(_print_banner)
    try:
        web.run_app(
            app,
            host=config.host,
            port=config.port,
            print=None,
            access_log=None,
            handle_signals=True,
        )
    except (FixtureError, ConfigError) as error:
        print(f"notify-sandbox: {error}", file=sys.stderr)
        return 2
    return 0


async def _print_banner(app: web.Application) -> None:
    from simulator.api.keys import CONFIG_KEY, GATEWAY_KEY
    from simulator.app import FIXTURES_KEY

    # cleanup contexts run before on_startup in aiohttp, so the gateway exists here
    config = app[CONFIG_KEY]
    gateway = app[GATEWAY_KEY]
    fixtures = app[FIXTURES_KEY]
    prefix = gateway.profile.key_prefix
    lines = [f"Notify Sandbox ({gateway.profile.name}) on http://{config.host}:{config.port}"]
    for service in fixtures.services:
        mode = "trial" if service.restricted else "live"
        lines.append(f"\nService {service.name} ({mode}) {service.id}")
        for key in (k for k in fixtures.keys if k.service_id == service.id):
            lines.append(f"  {key.key_type.value:<7} key  {key.full_key(prefix)}")
        for template in (t for t in fixtures.templates if t.service_id == service.id):
            lines.append(f"  {template.type.value:<7} template  {template.id}  {template.name}")
    token_note = "" if config.admin_token else "  (generated; set SANDBOX_ADMIN_TOKEN to fix it)"
    lines.append(f"\nAdmin token for /sandbox/v1: {gateway.admin_token}{token_note}")
    print("\n".join(lines), flush=True)

"""The command line: `notify-sandbox serve` (and `python -m simulator serve`)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from simulator import __version__
from simulator.cli_admin import add_admin_commands, run_admin_command
from simulator.config import PROFILES, Config, ConfigError, unknown_variables
from simulator.logging_setup import configure_logging

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="notify-sandbox",
        description="A local stand-in for the GOV.UK Notify and GC Notify APIs. "
        "`notify-sandbox serve` starts it; the other commands use its admin API.",
    )
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
    for warning in unknown_variables(env):
        print(f"notify-sandbox: warning: {warning}", file=sys.stderr)
    configure_logging(config.log_format, config.log_level)
    return _serve(config)


def _serve(config: Config) -> int:
    # imported here: admin commands should not pay for loading the whole server
    from simulator.serving import serve

    # the SQLite threads hold the GIL in short bursts; a shorter switch interval keeps
    # the event loop from waiting up to 5 ms behind them (p99 latency, issue 4)
    sys.setswitchinterval(0.0005)
    return serve(config)

"""`notify-sandbox serve`: bind the port first, then start the app, then print the banner.

Binding first means a taken port is one clear line before any start-up work is done,
and the banner (with its URL) is only printed once a client can connect.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import signal
import socket
import sys

from aiohttp import web

from simulator.api.keys import GATEWAY_KEY
from simulator.app import FIXTURES_KEY, create_app
from simulator.banner import DASHBOARD_PATH, banner, public_url
from simulator.config import Config, ConfigError
from simulator.connection_cap import CappedSockSite
from simulator.fixtures import FixtureError

__all__ = ["PortUnavailable", "bind", "serve"]

_SHUTDOWN_TIMEOUT = 5.0
_LINGER_SECONDS = 2.0


class PortUnavailable(OSError):
    pass


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or PortUnavailable with one line that says what to do."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        raise PortUnavailable(f"cannot listen on {host!r}: {error.strerror}") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise PortUnavailable(
                f"port {port} on {host} is already in use; "
                f"choose another with --port (or SANDBOX_PORT)"
            ) from None
        raise PortUnavailable(
            f"cannot listen on {host} port {port}: {error.strerror}; "
            f"choose another with --port (or SANDBOX_PORT)"
        ) from None
    sock.setblocking(False)
    return sock


def serve(config: Config) -> int:
    """Run until SIGINT or SIGTERM; 0 after a clean stop, 2 when start-up is refused."""
    try:
        sock = bind(config.host, config.port)
    except PortUnavailable as error:
        print(f"notify-sandbox: {error}", file=sys.stderr)
        return 2
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    try:
        asyncio.run(_serve(config, sock))
    except (FixtureError, ConfigError) as error:
        print(f"notify-sandbox: {error}", file=sys.stderr)
        return 2
    finally:
        sock.close()
    return 0


async def _serve(config: Config, sock: socket.socket) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    app = create_app(config)
    # the keep-alive timer runs from the moment a connection opens, so it is also the
    # header time-out: an idle or slowloris connection is closed after it. A request
    # answered before its body was read (408, 413, 403) is drained this long, then closed.
    runner = web.AppRunner(
        app,
        handle_signals=False,
        access_log=None,
        keepalive_timeout=config.header_timeout_seconds,
        lingering_time=_LINGER_SECONDS,
    )
    await runner.setup()  # the app's start-up: data dir, store, fixtures
    try:
        # before the site answers: the banner is printed by the time anyone is served
        documented = await app[GATEWAY_KEY].team_access.documented_password_members()
        site = CappedSockSite(
            runner,
            sock,
            max_connections=config.max_connections,
            shutdown_timeout=_SHUTDOWN_TIMEOUT,
        )
        await site.start()
        port = int(sock.getsockname()[1])
        gateway = app[GATEWAY_KEY]
        text = banner(
            config=config,
            profile=gateway.profile,
            fixtures=app[FIXTURES_KEY],
            admin_token=gateway.admin_token,
            url=public_url(config.host, port),
            has_dashboard=_has_route(app, DASHBOARD_PATH),
            documented_password_members=documented,
        )
        print(text, flush=True)
        await stop.wait()
    finally:
        with contextlib.suppress(Exception):
            await runner.cleanup()


def _has_route(app: web.Application, path: str) -> bool:
    return any(resource.canonical == path for resource in app.router.resources())

"""Run the sandbox in-process: the aiohttp app on its own event loop in a background thread."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from concurrent.futures import Future
from dataclasses import dataclass

from aiohttp import web

from simulator.api.keys import GATEWAY_KEY
from simulator.app import FIXTURES_KEY, create_app
from simulator.config import Config

__all__ = ["FixtureKey", "SandboxServer", "ServerInfo"]

_START_TIMEOUT = 30.0
_STOP_TIMEOUT = 15.0


@dataclass(frozen=True, slots=True)
class FixtureKey:
    """One API key from the loaded fixtures, as the full string a client is given."""

    name: str
    key_type: str  # "test", "team" or "normal" (a live key)
    service_id: str
    value: str


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """What a running sandbox offers, read from the app once it has started."""

    base_url: str
    admin_token: str
    keys: tuple[FixtureKey, ...]
    template_ids: dict[str, str]  # template name -> id (latest version of each template)
    services: dict[str, str]  # service name -> id, in fixture order


class SandboxServer:
    """Starts the app on 127.0.0.1 with an OS-chosen port; `stop()` shuts it down cleanly."""

    def __init__(self, config: Config, *, host: str = "127.0.0.1") -> None:
        self._config = config
        self._host = host
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self._started: Future[ServerInfo] = Future()
        self._finished: Future[None] = Future()

    def start(self) -> ServerInfo:
        if self._thread is not None:
            raise RuntimeError("this sandbox server has already been started")
        self._thread = threading.Thread(target=self._run, name="notify-sandbox", daemon=True)
        self._thread.start()
        try:
            return self._started.result(timeout=_START_TIMEOUT)
        except TimeoutError:
            self.stop()
            raise RuntimeError(f"the sandbox did not start within {_START_TIMEOUT:.0f}s") from None
        except BaseException:  # start-up failed (a bad fixture file, say): the thread is ending
            self._thread.join(_STOP_TIMEOUT)
            self._thread = None
            raise

    def stop(self) -> None:
        thread, loop, stop_event = self._thread, self._loop, self._stop_event
        if thread is None:
            return
        if loop is not None and stop_event is not None and not loop.is_closed():
            # RuntimeError: the loop closed between the check and the call
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stop_event.set)
        thread.join(_STOP_TIMEOUT)
        self._thread = None
        if thread.is_alive():
            raise RuntimeError(f"the sandbox did not stop within {_STOP_TIMEOUT:.0f}s")
        self._finished.result()  # re-raise an error from the shutdown, if any

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:
            for future in (self._started, self._finished):
                if not future.done():
                    future.set_exception(error)
            return
        if not self._finished.done():
            self._finished.set_result(None)

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        app = create_app(self._config)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=5.0)
        await runner.setup()  # runs the app's start-up: the store opens, fixtures load
        try:
            site = web.TCPSite(runner, self._host, 0)
            await site.start()
            port = int(runner.addresses[0][1])
            self._started.set_result(_describe(app, f"http://{self._host}:{port}"))
            await self._stop_event.wait()
        finally:
            await runner.cleanup()


def _describe(app: web.Application, base_url: str) -> ServerInfo:
    fixtures = app[FIXTURES_KEY]
    gateway = app[GATEWAY_KEY]
    prefix = gateway.profile.key_prefix
    keys = tuple(
        FixtureKey(key.name, key.key_type.value, key.service_id, key.full_key(prefix))
        for key in fixtures.keys
    )
    latest: dict[str, tuple[int, str]] = {}
    for template in fixtures.templates:
        if template.id not in latest or template.version > latest[template.id][0]:
            latest[template.id] = (template.version, template.name)
    template_ids: dict[str, str] = {}
    for template_id, (_, name) in latest.items():
        template_ids.setdefault(name, template_id)
    services: dict[str, str] = {}
    for service in fixtures.services:
        services.setdefault(service.name, service.id)
    return ServerInfo(
        base_url=base_url,
        admin_token=gateway.admin_token,
        keys=keys,
        template_ids=template_ids,
        services=services,
    )

"""The dashboard: Notify admin's pages, rendered on the server, live updates over SSE."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from aiohttp import web

from simulator.web.looks import LOOKS
from simulator.web.render import Renderer
from simulator.web.routes import dashboard_routes
from simulator.web.security import page_security_headers
from simulator.web.sessions import SessionStore
from simulator.web.state import DASHBOARD_KEY, Dashboard

__all__ = ["setup_dashboard"]


def setup_dashboard(app: web.Application, profile_name: str) -> None:
    """The one wiring call: pages, static files, sessions and the pages' headers."""
    look = LOOKS[profile_name]
    app[DASHBOARD_KEY] = Dashboard(Renderer(look), SessionStore(), look)
    app.router.add_routes(dashboard_routes())
    static = Path(str(resources.files("simulator.web") / "static"))
    app.router.add_static("/static/", static, append_version=False)
    app.on_response_prepare.append(page_security_headers)
    app.on_shutdown.append(_end_streams)


async def _end_streams(app: web.Application) -> None:
    """Open live-update streams would hold a graceful shutdown for its whole timeout."""
    for task in list(app[DASHBOARD_KEY].streams):
        task.cancel()

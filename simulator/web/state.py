"""The dashboard's own state on the app: renderer, sessions, look."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiohttp import web

from simulator.web.looks import Look
from simulator.web.render import Renderer
from simulator.web.sessions import SessionStore

__all__ = ["DASHBOARD_KEY", "PAGE_KEY", "Dashboard"]


@dataclass(slots=True)
class Dashboard:
    renderer: Renderer
    sessions: SessionStore
    look: Look
    # open live-update streams, ended when the server shuts down
    streams: set[asyncio.Task[object]] = field(default_factory=set)


DASHBOARD_KEY = web.AppKey("DASHBOARD_KEY", Dashboard)
# set on every dashboard request, so the response gets the pages' security headers
PAGE_KEY = web.RequestKey("PAGE_KEY", bool)

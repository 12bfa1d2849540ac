"""Health checks: GET / and GET|POST /_status, without auth."""

from __future__ import annotations

from aiohttp import web

from simulator import __version__
from simulator.api.json_io import json_response
from simulator.api.keys import GATEWAY_KEY

__all__ = ["get_status"]


async def get_status(request: web.Request) -> web.Response:
    if request.query.get("simple"):
        return json_response({"status": "ok"})
    status = request.app[GATEWAY_KEY].health.status()
    return json_response(
        {
            "status": "ok",
            "app_version": __version__,
            "profile": status.profile,
            "db_version": status.db_version,
            "limits_backend": status.limits_backend,
        }
    )

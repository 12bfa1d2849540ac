"""Routing tolerant of a doubled leading slash.

Node, Java and PHP clients join the base URL and "/v2/..." by concatenation, so a
base URL ending in "/" sends "//v2/...". Real Notify 404s that; the sandbox
serves it, a deliberate kindness documented in the README.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.abc import AbstractMatchInfo

__all__ = ["SandboxRouter"]


class SandboxRouter(web.UrlDispatcher):
    async def resolve(self, request: web.Request) -> AbstractMatchInfo:
        path = request.rel_url.path
        if path.startswith("//"):
            request = request.clone(rel_url=request.rel_url.with_path("/" + path.lstrip("/")))
        return await super().resolve(request)

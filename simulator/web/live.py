"""Live updates: server-sent events fed from the gateway's change feed.

A connection only waits on the feed's event (no storage, no polling), and sends at
most two events a second, so a tab left open costs the send path nothing but a wake-up.
"""

from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp_sse import sse_response

from simulator.domain.team import VIEW_ACTIVITY
from simulator.gateway.events import ChangeFeed
from simulator.web.pages import Page, page

__all__ = ["get_live"]

_HEARTBEAT_SECONDS = 15.0
_COALESCE_SECONDS = 0.5


@page(permission=VIEW_ACTIVITY)
async def get_live(p: Page) -> web.StreamResponse:
    feed = p.gateway.events
    streams = p.dashboard.streams
    task = asyncio.current_task()
    if task is not None:
        streams.add(task)
    try:
        return await _stream(p, feed)
    finally:
        streams.discard(task)


async def _stream(p: Page, feed: ChangeFeed) -> web.StreamResponse:
    async with sse_response(p.request) as events:
        await events.send("ready", event="ready")
        while events.is_connected():
            if await feed.changed(_HEARTBEAT_SECONDS):
                await events.send("changed", event="changed")
                await asyncio.sleep(_COALESCE_SECONDS)  # many sends, one refresh
            else:
                await events.send("", event="heartbeat")
    return events

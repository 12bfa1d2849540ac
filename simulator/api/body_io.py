"""Reading a request body, with the one time limit every body read obeys.

The headers have arrived, the handler has started (perhaps holding an allowance), so a
client trickling its body must not keep the request open: after SANDBOX_BODY_TIMEOUT_SECONDS
it gets a 408 in the envelope, and the handler's own clean-up gives back what it took.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from simulator.api.keys import CONFIG_KEY
from simulator.domain.errors import NotifyError

__all__ = ["read_body"]


def _timed_out() -> NotifyError:
    return NotifyError(
        "Request timed out",
        status_code=408,
        error="RequestTimeoutError",
        headers={"Connection": "close"},
    )


async def _read_at_most(request: web.Request, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = await request.content.read(size - len(data))
        if not chunk:
            break
        data += chunk
    return bytes(data)


async def read_body(request: web.Request, limit: int | None = None) -> bytes:
    """The whole body; with `limit`, at most limit + 1 bytes (the caller refuses more)."""
    declared = request.content_length
    if declared is not None and declared > request.client_max_size:
        # refused from the header alone: a 100 MB body is never read
        raise NotifyError("Request entity too large", status_code=413)
    seconds = request.config_dict[CONFIG_KEY].body_timeout_seconds
    try:
        async with asyncio.timeout(seconds):
            if limit is None:
                return await request.read()
            return await _read_at_most(request, limit + 1)
    except TimeoutError as error:
        raise _timed_out() from error

"""Many requests at once from one asyncio loop, each on its own connection (real concurrency)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import aiohttp

__all__ = ["Shot", "fire_at_once"]

Shot = tuple[str, str, dict[str, Any], dict[str, str]]  # method, url, json, headers


async def _fire(shots: Sequence[Shot], timeout: float) -> list[tuple[int, Any]]:
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=client_timeout) as session:
        start = asyncio.Event()

        async def one(shot: Shot) -> tuple[int, Any]:
            method, url, body, headers = shot
            await start.wait()
            async with session.request(method, url, json=body, headers=headers) as response:
                text = await response.text()
                try:
                    return response.status, await response.json(content_type=None)
                except ValueError:
                    return response.status, text

        tasks = [asyncio.create_task(one(shot)) for shot in shots]
        await asyncio.sleep(0)
        start.set()
        return list(await asyncio.gather(*tasks))


def fire_at_once(shots: Sequence[Shot], timeout: float = 60.0) -> list[tuple[int, Any]]:
    return asyncio.run(_fire(shots, timeout))

"""Do timelines keep up? After a load stops, how long until every notification is final.

Test-key notifications follow the default plan (1 s to `sending`, 2 s more to the final
status), so the last one sent is due to finish PLAN_SECONDS after the load stops. The
target: none runs more than 1 s behind its plan, so all are final by PLAN_SECONDS + 1.
Counted through the API (GET /v2/notifications filtered on the unfinished statuses),
the way a user would see it, on any backend. Once all are final, the newest 10,000 are
read back and each one's `sent_at` and `completed_at` compared with its plan: the
largest lateness is the figure the target judges.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

import aiohttp

from bench.load import ApiKey, sign

__all__ = ["PLAN_SECONDS", "lateness", "unfinished", "watch_catch_up"]

SENDING_SECONDS = 1.0  # SANDBOX_SIM_SENDING_DELAY's default
PLAN_SECONDS = 3.0  # SANDBOX_SIM_SENDING_DELAY 1 s + SANDBOX_SIM_DELIVERY_DELAY 2 s
_LATENESS_PAGES = 40  # the 10,000 newest notifications, the load's last seconds
_UNFINISHED = ("created", "sending", "pending")
_MAX_PAGES = 200  # bounded: 50,000 notifications counted at most


async def unfinished(session: aiohttp.ClientSession, base_urls: list[str], key: ApiKey) -> int:
    """Notifications of the key's service not yet final (capped at _MAX_PAGES pages)."""
    total = 0
    url: str | None = f"{base_urls[0]}/v2/notifications"
    params: list[tuple[str, str]] | None = [("status", s) for s in _UNFINISHED]
    for _ in range(_MAX_PAGES):
        if url is None:
            break
        headers = {"Authorization": f"Bearer {sign(key)}"}
        async with session.get(url, params=params, headers=headers) as response:
            response.raise_for_status()
            page = await response.json()
        found = page.get("notifications", [])
        total += len(found)
        url = page.get("links", {}).get("next") if found else None
        params = None  # the next link carries the query
    return total


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


async def lateness(session: aiohttp.ClientSession, base_url: str, key: ApiKey) -> dict[str, Any]:
    """How far behind its plan each of the newest finished notifications ran: `sent_at`
    against created_at + 1 s, `completed_at` against created_at + 3 s."""
    worst, over, checked = 0.0, 0, 0
    url: str | None = f"{base_url}/v2/notifications"
    for _ in range(_LATENESS_PAGES):
        if url is None:
            break
        headers = {"Authorization": f"Bearer {sign(key)}"}
        async with session.get(url, headers=headers) as response:
            response.raise_for_status()
            page = await response.json()
        found = page.get("notifications", [])
        for item in found:
            created, sent = _moment(item["created_at"]), _moment(item.get("sent_at"))
            completed = _moment(item.get("completed_at"))
            if created is None or sent is None or completed is None:
                continue
            late = max(
                (sent - created).total_seconds() - SENDING_SECONDS,
                (completed - created).total_seconds() - PLAN_SECONDS,
            )
            checked += 1
            worst = max(worst, late)
            over += late > 1.0
        url = page.get("links", {}).get("next") if found else None
    return {"checked": checked, "max_late_seconds": round(worst, 3), "late_by_over_1s": over}


async def watch_catch_up(
    base_urls: list[str], key: ApiKey, load_ended: float, *, bound: float = 30.0
) -> dict[str, Any]:
    """Poll from the load's end until nothing is unfinished (bounded); the figures found."""
    samples: list[dict[str, Any]] = []
    caught_up: float | None = None
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for _ in range(int(bound / 0.5) + 1):
            count = await unfinished(session, base_urls, key)
            after = round(time.perf_counter() - load_ended, 2)
            samples.append({"seconds_after_load": after, "unfinished": count})
            if count == 0:
                caught_up = after
                break
            if after >= bound:
                break
            await asyncio.sleep(0.5)
        late = await lateness(session, base_urls[0], key) if caught_up is not None else None
    at_plan = [s["unfinished"] for s in samples if s["seconds_after_load"] >= PLAN_SECONDS + 1]
    return {
        "plan_seconds": PLAN_SECONDS,
        "caught_up_seconds_after_load": caught_up,
        "behind_plan_by_over_1s": at_plan[0] if at_plan else 0,
        "lateness": late,
        "samples": samples,
    }

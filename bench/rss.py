"""RSS after N stored notifications: test-key SMS sends that finish immediately."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any

from bench.load import LoadStats, run_load
from bench.scenarios import sms_send
from bench.server import ServerProcess, read_memory_kb

__all__ = ["IMMEDIATE_ENV", "count_notifications", "growth_per_thousand", "measure_rss"]

IMMEDIATE_ENV = {"SANDBOX_SIM_SENDING_DELAY": "0", "SANDBOX_SIM_DELIVERY_DELAY": "0"}


def count_notifications(database: Path) -> int | None:
    try:
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
        try:
            return int(connection.execute("SELECT count(*) FROM notifications").fetchone()[0])
        finally:
            connection.close()
    except sqlite3.Error:
        return None


def _db_megabytes(database: Path) -> float:
    total = 0
    for suffix in ("", "-wal", "-shm"):
        path = database.with_name(database.name + suffix)
        if path.exists():
            total += path.stat().st_size
    return total / 1_048_576


def growth_per_thousand(checkpoints: list[dict[str, Any]]) -> float | None:
    """kB of RSS per 1,000 more notifications, from the first 10% of the run to its end."""
    if len(checkpoints) < 2:
        return None
    last = checkpoints[-1]
    floor = last["ok"] * 0.1
    first = next((c for c in checkpoints if c["ok"] >= floor and c["ok"] > 0), checkpoints[0])
    sent = int(last["ok"]) - int(first["ok"])
    if sent <= 0:
        return None
    return round(float(last["rss_kb"] - first["rss_kb"]) * 1000 / sent, 2)


async def measure_rss(
    server: ServerProcess,
    database: Path,
    *,
    target: int,
    max_seconds: float,
    concurrency: int,
    client: str = "aiohttp",
) -> dict[str, Any]:
    """Send up to `target` SMS (bounded by `max_seconds`) to an already started server."""
    stats = LoadStats()
    checkpoints: list[dict[str, Any]] = []
    started = time.perf_counter()
    interval = max(1.0, max_seconds / 60)

    async def sample() -> None:
        for _ in range(int(max_seconds / interval) + 5):  # bounded; cancelled at the end
            await asyncio.sleep(interval)
            memory = read_memory_kb(server.pid)
            checkpoints.append(
                {
                    "seconds": round(time.perf_counter() - started, 1),
                    "ok": stats.ok_total,
                    "rss_kb": memory.get("VmRSS", 0),
                }
            )

    sampler = asyncio.create_task(sample())
    await run_load(
        server.base_url,
        sms_send,
        concurrency=concurrency,
        duration=max_seconds,
        warmup=0.0,
        max_requests=target,
        stats=stats,
        client=client,
    )
    seconds = time.perf_counter() - started
    sampler.cancel()
    await asyncio.sleep(1.0)  # let the worker finish the last transitions
    memory = read_memory_kb(server.pid)
    checkpoints.append(
        {"seconds": round(seconds, 1), "ok": stats.ok_total, "rss_kb": memory["VmRSS"]}
    )
    stored = count_notifications(database)
    return {
        "target": target,
        "sent": stats.sent_total,
        "ok": stats.ok_total,
        "stored": stored if stored is not None else stats.ok_total,
        "stored_counted_in_db": stored is not None,
        "reached": (stored if stored is not None else stats.ok_total) >= target,
        "seconds": round(seconds, 1),
        "rps": round(stats.ok_total / seconds, 1) if seconds else None,
        "rss_kb": memory["VmRSS"],
        "peak_rss_kb": memory["VmHWM"],
        "db_mb": round(_db_megabytes(database), 1),
        "rss_growth_kb_per_1000": growth_per_thousand(checkpoints),
        "checkpoints": checkpoints,
        "errors": stats.sent_total - stats.ok_total,
        "statuses": dict(sorted(stats.statuses.items())),
    }

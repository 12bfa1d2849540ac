"""GET /metrics: process counters in Prometheus' text format (no secrets, no recipients)."""

from __future__ import annotations

from aiohttp import web

from simulator.api.keys import GATEWAY_KEY, WORKER_KEY

__all__ = ["get_metrics"]


async def get_metrics(request: web.Request) -> web.Response:
    gateway = request.app[GATEWAY_KEY]
    worker = request.app[WORKER_KEY]
    store = gateway.store
    counters = {
        "notify_sandbox_notifications_created_total": gateway.sender.created,
        "notify_sandbox_timeline_steps_total": worker.steps,
        "notify_sandbox_callbacks_delivered_total": gateway.callback_sender.sent,
        "notify_sandbox_limiter_unavailable_total": getattr(
            gateway.limiter, "unavailable_count", 0
        ),
        "notify_sandbox_sqlite_commits_total": store.commits,
        "notify_sandbox_sqlite_writes_total": store.writes,
    }
    lines = []
    for name, value in counters.items():
        lines.append(f"# TYPE {name} counter")
        lines.append(f"{name} {value}")
    return web.Response(text="\n".join(lines) + "\n", content_type="text/plain")

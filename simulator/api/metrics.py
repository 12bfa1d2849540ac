"""GET /metrics: process counters in Prometheus' text format (no secrets, no recipients).

The values live where they are counted (the send use case, the worker, the callback
sender, the limiter, the store); a collector reads them at scrape time, so nothing on
the request path pays for metrics. The same names on both storage backends; the store's
counters carry the backend as a label.
"""

from __future__ import annotations

from collections.abc import Iterator

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from simulator.api.keys import GATEWAY_KEY
from simulator.gateway.health import SandboxHealth

__all__ = ["get_metrics"]


class _SandboxCollector(Collector):
    def __init__(self, health: SandboxHealth) -> None:
        self._health = health

    def collect(self) -> Iterator[Metric]:
        counted = self._health.counters()
        for name, documentation, value in (
            ("notifications_created", "Notifications accepted", counted.notifications_created),
            ("timeline_steps", "Timeline steps the worker applied", counted.timeline_steps),
            ("callbacks_delivered", "Callbacks delivered", counted.callbacks_delivered),
            (
                "limiter_unavailable",
                "Sends refused or let through because the shared limiter was unreachable",
                counted.limiter_unavailable,
            ),
        ):
            yield CounterMetricFamily(f"notify_sandbox_{name}", documentation, value=value)
        for name, documentation, value in (
            ("store_commits", "Storage transactions committed", counted.store_commits),
            ("store_writes", "Storage writes made durable", counted.store_writes),
        ):
            family = CounterMetricFamily(
                f"notify_sandbox_{name}", documentation, labels=["backend"]
            )
            family.add_metric([counted.store_backend], value)
            yield family


def _registry(request: web.Request) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_SandboxCollector(request.app[GATEWAY_KEY].health))
    return registry


async def get_metrics(request: web.Request) -> web.Response:
    body = generate_latest(_registry(request))
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

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

from simulator.api.keys import GATEWAY_KEY, WORKER_KEY, Gateway
from simulator.delivery.worker import DeliveryWorker

__all__ = ["get_metrics"]


class _SandboxCollector(Collector):
    def __init__(self, gateway: Gateway, worker: DeliveryWorker) -> None:
        self._gateway = gateway
        self._worker = worker

    def collect(self) -> Iterator[Metric]:
        gateway = self._gateway
        for name, documentation, value in (
            ("notifications_created", "Notifications accepted", gateway.sender.created),
            ("timeline_steps", "Timeline steps the worker applied", self._worker.steps),
            ("callbacks_delivered", "Callbacks delivered", gateway.callback_sender.sent),
            (
                "limiter_unavailable",
                "Sends refused or let through because the shared limiter was unreachable",
                gateway.limiter.unavailable_count,
            ),
        ):
            yield CounterMetricFamily(f"notify_sandbox_{name}", documentation, value=value)
        store = gateway.store
        backend = store.backend
        for name, documentation, value in (
            ("store_commits", "Storage transactions committed", store.commits),
            ("store_writes", "Storage writes made durable", store.writes),
        ):
            family = CounterMetricFamily(
                f"notify_sandbox_{name}", documentation, labels=["backend"]
            )
            family.add_metric([backend], value)
            yield family


def _registry(request: web.Request) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_SandboxCollector(request.app[GATEWAY_KEY], request.app[WORKER_KEY]))
    return registry


async def get_metrics(request: web.Request) -> web.Response:
    body = generate_latest(_registry(request))
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

"""Prometheus metrics: requests, latencies, model queues and model load state."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from homevoice.adapters.http.gate import ModelGate

LATENCY_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)


class _StateCollector(Collector):
    """Read at scrape time, so gauges never drift from the truth."""

    def __init__(
        self,
        gate: ModelGate,
        loaded: Callable[[], Iterable[str]],
        jobs: Callable[[], Mapping[str, int] | None],
    ) -> None:
        self._gate = gate
        self._loaded = loaded
        self._jobs = jobs

    def collect(self) -> Iterable[Metric]:
        running = GaugeMetricFamily(
            "homevoice_model_requests_running", "Requests running on a model", labels=["model"]
        )
        waiting = GaugeMetricFamily(
            "homevoice_model_requests_waiting", "Requests waiting for a model", labels=["model"]
        )
        for model, (run, wait) in sorted(self._gate.depth().items()):
            running.add_metric([model], run)
            waiting.add_metric([model], wait)
        loaded = GaugeMetricFamily("homevoice_model_loaded", "1 while a model is in memory", labels=["model"])
        for model in self._loaded():
            loaded.add_metric([model], 1)
        families: list[Metric] = [running, waiting, loaded]
        counts = self._jobs()
        if counts is not None:
            jobs = GaugeMetricFamily("homevoice_jobs", "Unfinished jobs by state", labels=["state"])
            for state, count in sorted(counts.items()):
                jobs.add_metric([state], count)
            families.append(jobs)
        return families


class Metrics:
    def __init__(
        self,
        gate: ModelGate,
        loaded: Callable[[], Iterable[str]],
        jobs: Callable[[], Mapping[str, int] | None],
    ) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "homevoice_http_requests",
            "HTTP requests answered",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "homevoice_http_request_duration_seconds",
            "Time to the end of the response",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_StateCollector(gate, loaded, jobs))


class MetricsMiddleware:
    """Counts by route template (``/v1/jobs/{job_id}``), not raw path, to keep label sets small."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = str(scope["method"])
            self.metrics.requests.labels(method, template, str(status)).inc()
            self.metrics.latency.labels(method, template).observe(time.perf_counter() - started)

"""What a load balancer and Prometheus ask of a web worker: ``/healthz``, ``/readyz``, ``/metrics``.

- ``/healthz``: liveness. The process answers; it touches nothing else, so a database outage
  does not get every web worker restarted.
- ``/readyz``: readiness. The database answers a query, the cache stores and reads back a
  value, the task queue answers (Redis ping with RQ; the ORM queue is the database) and at
  least ``READY_MIN_LISTENERS`` RADIUS listeners beat within ``HEARTBEAT_STALE_SECONDS``
  (``core.heartbeat``). 200 with every check's result, else 503 with the same body.
- ``/metrics``: Prometheus text format, for ``METRICS_TOKEN`` (``Authorization: Bearer``) or a
  client address in ``METRICS_ALLOWED_NETWORKS``; anyone else gets 404. Requests are counted
  by ``MetricsMiddleware`` with ``prometheus_client`` (its multiprocess mode under gunicorn when
  ``PROMETHEUS_MULTIPROC_DIR`` is set: every worker's counts in one answer); the listeners'
  counters come from their heartbeat rows, the queue's depth and failures from the queue, at
  scrape time, so one scrape of any web worker tells about the whole fleet.
"""

from __future__ import annotations

import collections
import hmac
import ipaddress
import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from pracharat.core import heartbeat
from pracharat.core.lib.clientip import parse_networks
from pracharat.core.middleware import client_ip

logger = logging.getLogger(__name__)

#: Endpoints the middleware does not count (probes would drown the pages).
UNCOUNTED = ("/healthz", "/readyz", "/metrics")

REQUESTS = Counter(
    "pracharat_http_requests",
    "HTTP requests answered, by method, view and status class.",
    ["method", "view", "status"],
)
LATENCY = Histogram(
    "pracharat_http_request_duration_seconds",
    "Time to answer an HTTP request, by view.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

#: ServerStats fields (network.radius.server) that are a dropped packet, or an invalid one.
DROPPED = ("overloaded", "shutting_down", "handler_errors", "internal_errors")
INVALID = ("malformed", "unsupported_code", "unknown_nas", "bad_authenticator")


class MetricsMiddleware:
    """Counts every request by method, resolved view (never the raw path: bounded labels) and
    status class, and times it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in UNCOUNTED:
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or match.url_name or "other") if match else "unmatched"
        REQUESTS.labels(request.method, view, f"{response.status_code // 100}xx").inc()
        LATENCY.labels(view).observe(time.perf_counter() - started)
        return response


# -- checks ----------------------------------------------------------------------------------


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache() -> str:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    value = cache.get(key)
    cache.delete(key)
    if value != "1":
        raise RuntimeError("the cache did not give back what was stored")
    return "ok"


def _queue_connection():
    import redis

    return redis.Redis.from_url(settings.TASKS_REDIS_URL, socket_timeout=2)


def _check_queue() -> str:
    if not settings.TASKS_REDIS_URL:
        return "ok (ORM queue: the database)"
    _queue_connection().ping()
    return "ok"


def _check_listeners() -> str:
    alive = heartbeat.fresh("radius").count()
    if alive < settings.READY_MIN_LISTENERS:
        raise RuntimeError(
            f"{alive} RADIUS listeners beating, {settings.READY_MIN_LISTENERS} needed"
        )
    return f"ok ({alive} beating)"


CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "queue": _check_queue,
    "listeners": _check_listeners,
}


@never_cache
@require_safe
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
@require_safe
def readyz(request):
    results, ready = {}, True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # each failure is reported, none is a 500
            ready = False
            results[name] = f"failed: {type(exc).__name__}: {exc}"[:300]
            logger.warning("readyz: %s %s", name, results[name])
    return JsonResponse({"ready": ready, "checks": results}, status=200 if ready else 503)


# -- metrics ---------------------------------------------------------------------------------


def may_read_metrics(request) -> bool:
    token = settings.METRICS_TOKEN
    given = request.META.get("HTTP_AUTHORIZATION", "")
    if token and given.startswith("Bearer "):
        return hmac.compare_digest(given[7:].strip().encode(), token.encode())
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in net for net in parse_networks(settings.METRICS_ALLOWED_NETWORKS))


class FleetCollector:
    """Scrape-time figures of other processes: listeners (heartbeat rows), queue, jobs."""

    def collect(self):
        yield from self._listeners()
        yield from self._queue()

    def _listeners(self):
        # One read of the fresh rows: the listeners, the processes by kind and the counters.
        beats = list(heartbeat.fresh().only("process", "kind", "stats"))
        listeners = [beat for beat in beats if beat.kind == "radius"]
        up = GaugeMetricFamily(
            "pracharat_radius_listeners_up", "RADIUS listeners beating within the stale window."
        )
        up.add_metric([], len(listeners))
        yield up
        processes = GaugeMetricFamily(
            "pracharat_processes_up",
            "Long-running processes beating within the stale window, by kind.",
            labels=["kind"],
        )
        for kind, n in collections.Counter(beat.kind for beat in beats).items():
            processes.add_metric([kind], n)
        yield processes
        packets = CounterMetricFamily(
            "pracharat_radius_packets",
            "Datagrams by outcome since the listener started (network.radius ServerStats).",
            labels=["listener", "outcome"],
        )
        dropped = CounterMetricFamily(
            "pracharat_radius_dropped_packets", "Datagrams dropped.", labels=["listener"]
        )
        invalid = CounterMetricFamily(
            "pracharat_radius_invalid_packets",
            "Datagrams refused as invalid (malformed, unknown NAS, bad authenticator, not "
            "accounting).",
            labels=["listener"],
        )
        rate = GaugeMetricFamily(
            "pracharat_radius_received_per_second",
            "Datagrams received per second over the listener's last heartbeat interval.",
            labels=["listener"],
        )
        batch = GaugeMetricFamily(
            "pracharat_radius_batch_seconds",
            "Mean time to store one batch over the last heartbeat interval, where the "
            "listener reports it.",
            labels=["listener"],
        )
        for beat in listeners:
            stats = beat.stats or {}
            for key, value in stats.items():
                if isinstance(value, int) and not key.endswith("_per_second"):
                    packets.add_metric([beat.process, key], value)
            dropped.add_metric([beat.process], sum(int(stats.get(k, 0)) for k in DROPPED))
            invalid.add_metric([beat.process], sum(int(stats.get(k, 0)) for k in INVALID))
            if "received_per_second" in stats:
                rate.add_metric([beat.process], float(stats["received_per_second"]))
            if "batch_seconds" in stats:
                batch.add_metric([beat.process], float(stats["batch_seconds"]))
        yield from (packets, dropped, invalid, rate, batch)

    def _queue(self):
        depth = GaugeMetricFamily(
            "pracharat_queue_depth", "Tasks waiting in the queue.", labels=["queue"]
        )
        failed = GaugeMetricFamily(
            "pracharat_job_failures",
            "Task runs that failed and are kept for inspection (RQ's failed registry; the ORM "
            "queue's FAILED results).",
            labels=["queue"],
        )
        try:
            if settings.TASKS_REDIS_URL:
                from rq import Queue

                redis = _queue_connection()
                for name in settings.TASK_QUEUES:
                    queue = Queue(name, connection=redis)
                    depth.add_metric([name], queue.count)
                    failed.add_metric([name], queue.failed_job_registry.count)
            else:
                from django_tasks_db.models import DBTaskResult

                counts = {
                    (q, s): n
                    for q, s, n in DBTaskResult.objects.filter(status__in=["READY", "FAILED"])
                    .values_list("queue_name", "status")
                    .annotate(n=Count("id"))
                    .order_by()
                }
                for name in settings.TASK_QUEUES:
                    depth.add_metric([name], counts.get((name, "READY"), 0))
                    failed.add_metric([name], counts.get((name, "FAILED"), 0))
        except Exception:
            logger.warning("metrics: the queue could not be read", exc_info=True)
            return
        yield depth
        yield failed


def registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if settings.PROMETHEUS_MULTIPROC_DIR:
        multiprocess.MultiProcessCollector(registry)
    else:  # one process (the tests, runserver): its own counters are all there is
        for collector in (REQUESTS, LATENCY):
            registry.register(collector)
    registry.register(FleetCollector())
    return registry


@never_cache
@require_safe
def metrics(request):
    if not may_read_metrics(request):
        raise Http404
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)

"""``/metrics``: the hub in the Prometheus text format (``prometheus_client``).

Two kinds of figures:

* **counted by the web processes**: requests by route (the URL rule, ``/items/<int:item_id>``, never
  the raw path: ids and player secrets stay out) and their latency, upload bytes. With several
  gunicorn workers each process counts its own; set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder
  (``hub web`` empties it at start) and every scrape adds up all processes' files (prometheus_client's
  multiprocess mode);
* **read at each scrape** (:class:`StateCollector`): queue depth and jobs by state (Redis), live
  workers, publications by channel and state, workflow steps waiting and overdue per workflow, and
  whatever plugins add through the ``metric_samples`` hook (screens online, last heartbeat age):
  a few aggregate queries per scrape, whatever the number of rows.

Access: ``HUB_METRICS_TOKEN`` (``Authorization: Bearer <token>``) or ``HUB_METRICS_ALLOW`` (addresses
or networks, ``["10.0.0.5", "10.1.0.0/16"]``; behind a proxy set ``HUB_PROXY_COUNT`` so the client's
address is seen). With neither set ``/metrics`` answers 404: nothing is exposed by default.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import re
import time
from dataclasses import dataclass, field

from flask import Blueprint, Response, abort, current_app, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from hub.permissions import public

log = logging.getLogger(__name__)

bp = Blueprint("metrics", __name__)

#: the web process's own counters (in multiprocess mode their values live in files)
REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "hub_http_requests",
    "HTTP requests by route (URL rule), method and status",
    ["route", "method", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "hub_http_request_duration_seconds",
    "Time to answer a request, by route (URL rule) and method",
    ["route", "method"],
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
UPLOAD_BYTES = Counter("hub_upload_bytes", "Bytes of media received from uploads", registry=REGISTRY)

_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


@dataclass
class MetricSample:
    """One gauge value a plugin adds to ``/metrics`` (``metric_samples`` hook).

    ``name`` without the ``hub_`` prefix (``screens_online``): letters, digits and ``_``;
    ``help`` one English line; ``labels`` a dict of label names to values. Samples of one name
    must have the same label names.
    """

    name: str
    help: str
    value: float
    labels: dict = field(default_factory=dict)


def count_upload(nbytes: int) -> None:
    """Add ``nbytes`` received from an upload to ``hub_upload_bytes_total``."""
    if nbytes > 0:
        UPLOAD_BYTES.inc(nbytes)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ.get("prometheus_multiproc_dir") or None


# --- request counting ---------------------------------------------------------------------------------


def _before() -> None:
    g._metrics_start = time.perf_counter()


def _after(response):
    start = g.pop("_metrics_start", None)
    if start is not None:
        rule = request.url_rule.rule if request.url_rule is not None else "(unmatched)"
        REQUESTS.labels(rule, request.method, str(response.status_code)).inc()
        LATENCY.labels(rule, request.method).observe(time.perf_counter() - start)
    return response


def init_app(app) -> None:
    app.config.setdefault("METRICS_TOKEN", "")
    app.config.setdefault("METRICS_ALLOW", [])
    app.before_request(_before)
    app.after_request(_after)
    app.register_blueprint(bp)


# --- the state read at each scrape ----------------------------------------------------------------


class StateCollector:
    """Gauges read from Redis and the database when scraped (a fixed number of queries)."""

    def __init__(self, app):
        self.app = app

    def collect(self):
        yield from self._queue()
        yield from self._publications()
        yield from self._steps()
        yield from self._plugins()

    def _queue(self):
        up = GaugeMetricFamily("hub_redis_up", "1 when Redis answers the scrape")
        jobs = GaugeMetricFamily(
            "hub_jobs", "Jobs of the hub's queue by state (queued is the queue depth)", labels=["queue", "state"]
        )
        workers = GaugeMetricFamily("hub_workers_alive", "Workers whose heartbeat is recent")
        try:
            from hub.jobs import live_workers
            from hub.queue import get_queue

            queue = get_queue()
            counts = {
                "queued": queue.count,
                "started": queue.started_job_registry.count,
                "scheduled": queue.scheduled_job_registry.count,
                "deferred": queue.deferred_job_registry.count,
                "failed": queue.failed_job_registry.count,
                "finished": queue.finished_job_registry.count,
            }
            for state, value in counts.items():
                jobs.add_metric([queue.name, state], value)
            workers.add_metric([], len(live_workers()))
            up.add_metric([], 1)
        except Exception as exc:  # noqa: BLE001 - a scrape reports Redis down, it does not fail
            log.warning("metrics: Redis unreachable: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        yield up
        yield jobs
        yield workers

    def _publications(self):
        from hub.extensions import db
        from hub.models import Publication, PublicationStatus

        family = GaugeMetricFamily("hub_publications", "Publications by channel and state", labels=["channel", "state"])
        rows = db.session.execute(
            db.select(Publication.channel, Publication.status, db.func.count()).group_by(
                Publication.channel, Publication.status
            )
        ).all()
        counts = {(channel, status): n for channel, status, n in rows}
        channels = sorted({c for c, _ in counts} | set(_channel_names()))
        for channel in channels:  # every state of every channel, zeros too: graphs show a drop to 0
            for status in PublicationStatus:
                family.add_metric([channel, status.value], counts.get((channel, status.value), 0))
        yield family

    def _steps(self):
        from hub.extensions import db
        from hub.models import utcnow
        from hub.workflow.models import OPEN_STEP, StepInstance, Workflow, WorkflowVersion

        waiting = GaugeMetricFamily(
            "hub_workflow_steps_waiting", "Open workflow steps by workflow", labels=["workflow"]
        )
        overdue = GaugeMetricFamily(
            "hub_workflow_steps_overdue", "Open workflow steps past their due time by workflow", labels=["workflow"]
        )
        now = utcnow()
        late = db.case((StepInstance.due_at < now, 1), else_=0)
        rows = db.session.execute(
            db.select(Workflow.code, db.func.count(), db.func.coalesce(db.func.sum(late), 0))
            .select_from(StepInstance)
            .join(WorkflowVersion, WorkflowVersion.id == StepInstance.workflow_version_id)
            .join(Workflow, Workflow.id == WorkflowVersion.workflow_id)
            .where(OPEN_STEP)
            .group_by(Workflow.code)
        ).all()
        for code, n, n_late in rows:
            waiting.add_metric([code], n)
            overdue.add_metric([code], int(n_late))
        yield waiting
        yield overdue

    def _plugins(self):
        from hub.plugins import plugins

        families: dict[str, tuple[GaugeMetricFamily, list[str]]] = {}
        for samples in plugins(self.app).hook.metric_samples():
            for sample in samples or []:
                name = sample.name if sample.name.startswith("hub_") else "hub_" + sample.name
                if not _NAME.match(name):
                    log.warning("metrics: a plugin's metric name %r is not valid; skipped", sample.name)
                    continue
                labels = {str(k): str(v) for k, v in (sample.labels or {}).items()}
                if name not in families:
                    families[name] = (GaugeMetricFamily(name, sample.help, labels=sorted(labels)), sorted(labels))
                family, names = families[name]
                if sorted(labels) != names:
                    log.warning("metrics: %s has samples with different labels; one skipped", name)
                    continue
                family.add_metric([labels[k] for k in names], float(sample.value))
        yield from (family for family, _names in families.values())


def _channel_names() -> list[str]:
    from hub.plugins import plugins

    return list(plugins().channels)


# --- the endpoint ---------------------------------------------------------------------------------------


def _allowed() -> bool:
    token = str(current_app.config.get("METRICS_TOKEN") or "")
    allow = current_app.config.get("METRICS_ALLOW") or []
    if isinstance(allow, str):
        allow = [a.strip() for a in allow.split(",") if a.strip()]
    if not token and not allow:
        return False
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip().encode(), token.encode()):
        return True
    if allow and request.remote_addr:
        try:
            addr = ipaddress.ip_address(request.remote_addr)
        except ValueError:
            return False
        for entry in allow:
            try:
                if addr in ipaddress.ip_network(str(entry), strict=False):
                    return True
            except ValueError:
                log.warning("metrics: HUB_METRICS_ALLOW entry %r is not an address or network", entry)
    return False


def render(app) -> bytes:
    """The whole exposition: this process's (or, in multiprocess mode, all processes') counters, then
    the state read now."""
    if multiprocess_dir():
        from prometheus_client import multiprocess

        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    state = CollectorRegistry(auto_describe=False)
    state.register(StateCollector(app))
    return generate_latest(counted) + generate_latest(state)


@bp.get("/metrics")
@public
def metrics_view():
    if not (current_app.config.get("METRICS_TOKEN") or current_app.config.get("METRICS_ALLOW")):
        abort(404)
    if not _allowed():
        return Response(
            "forbidden\n", status=403, mimetype="text/plain", headers={"WWW-Authenticate": 'Bearer realm="metrics"'}
        )
    return Response(render(current_app._get_current_object()), content_type=CONTENT_TYPE_LATEST)

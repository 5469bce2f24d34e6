"""Airdeck's Prometheus metrics: what each is, how the code records it, and ``/metrics``' text.

Every label takes a bounded set of values: route and Airflow endpoint *templates* (never paths
with DAG or run ids), statuses, deployment names, cache kinds, rate-limit groups.

With several API worker processes (``AIRDECK_API_WORKERS`` > 1), each process writes its
values to files in ``PROMETHEUS_MULTIPROC_DIR`` and ``/metrics`` adds them up, whichever worker
answers: ``prepare_multiprocess`` must run in the parent before the workers start, since
``prometheus_client`` picks its storage when it is first imported.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, get_args

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from airdeck_adapters.airflow import AirflowCall
from airdeck_domain.health import COMPONENTS
from airdeck_domain.models import Health, HealthStatus

if TYPE_CHECKING:
    # Only a type here: the settings import modules that record metrics.
    from airdeck_api.settings import Settings

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
"""The Prometheus text format."""
HEALTH_STATUSES: tuple[str, ...] = get_args(HealthStatus)

HTTP_REQUESTS = Counter(
    "airdeck_http_requests",
    "Requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "airdeck_http_request_duration_seconds",
    "Time to answer a request, by method, route template and status.",
    ["method", "route", "status"],
)
AIRFLOW_CALLS = Counter(
    "airdeck_airflow_requests",
    "Calls to Airflow, by deployment, method, endpoint template and status (an HTTP status, "
    "or timeout, error or cancelled when there was no answer).",
    ["deployment", "method", "endpoint", "status"],
)
AIRFLOW_DURATION = Histogram(
    "airdeck_airflow_request_duration_seconds",
    "Time Airflow took to answer a call, by deployment, method, endpoint template and status.",
    ["deployment", "method", "endpoint", "status"],
)
TOKEN_REFRESHES = Counter(
    "airdeck_airflow_token_refreshes",
    "Service-account tokens fetched from Airflow, by deployment and outcome.",
    ["deployment", "outcome"],
)
CACHE_READS = Counter(
    "airdeck_cache_reads",
    "Reads of the shared cache by kind of entry: hit (fresh) or miss (Airflow had to be asked).",
    ["kind", "result"],
)
CACHE_STALE = Counter(
    "airdeck_cache_stale_answers",
    "Misses answered with an expired entry while Airflow was slow or failing, by kind.",
    ["kind"],
)
CACHE_COALESCED = Counter(
    "airdeck_cache_coalesced_reads",
    "Misses that joined a load of the same entry already under way instead of calling Airflow.",
    ["kind"],
)
RATE_LIMITED = Counter(
    "airdeck_rate_limit_rejections",
    "Requests refused with 429, by rate-limit group.",
    ["group"],
)
AUDIT_WRITE_FAILURES = Counter(
    "airdeck_audit_write_failures",
    "Audit-log writes that failed: insert (the action was refused) or complete (the row stays "
    "pending for the reconciler).",
    ["stage"],
)
# Gauges hold the latest check of any worker process ("mostrecent" when they are several).
AIRFLOW_UP = Gauge(
    "airdeck_airflow_up",
    "1 when the deployment answered its last health check, else 0.",
    ["deployment"],
    multiprocess_mode="mostrecent",
)
AIRFLOW_HEALTH = Gauge(
    "airdeck_airflow_health_status",
    "1 for the deployment's overall status at its last health check, 0 for the others.",
    ["deployment", "status"],
    multiprocess_mode="mostrecent",
)
AIRFLOW_COMPONENT = Gauge(
    "airdeck_airflow_component_status",
    "1 for each component's status at the deployment's last health check, 0 for the others.",
    ["deployment", "component", "status"],
    multiprocess_mode="mostrecent",
)
HEALTH_CHECKED = Gauge(
    "airdeck_airflow_health_checked_timestamp_seconds",
    "When the deployment's health was last checked (Unix time): the gauges above are that old.",
    ["deployment"],
    multiprocess_mode="mostrecent",
)


def request_answered(method: str, route: str, status: int, seconds: float) -> None:
    """An API request was answered."""
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_DURATION.labels(method, route, str(status)).observe(seconds)


class AirflowMetrics:
    """The Airflow adapter's observer (``airdeck_adapters.airflow.AirflowObserver``)."""

    def call_finished(self, call: AirflowCall) -> None:
        """Count the call and its time."""
        labels = (call.deployment, call.method, call.endpoint, call.status)
        AIRFLOW_CALLS.labels(*labels).inc()
        AIRFLOW_DURATION.labels(*labels).observe(call.seconds)

    def token_refreshed(self, deployment: str, succeeded: bool) -> None:
        """Count the refresh."""
        TOKEN_REFRESHES.labels(deployment, "success" if succeeded else "failure").inc()


def cache_read(kind: str, *, hits: int = 0, misses: int = 0) -> None:
    """``hits`` fresh entries and ``misses`` missing or expired ones were read."""
    if hits:
        CACHE_READS.labels(kind, "hit").inc(hits)
    if misses:
        CACHE_READS.labels(kind, "miss").inc(misses)


def cache_stale(kind: str) -> None:
    """A miss was answered with an expired entry."""
    CACHE_STALE.labels(kind).inc()


def cache_coalesced(kind: str) -> None:
    """A miss joined a load under way."""
    CACHE_COALESCED.labels(kind).inc()


def rate_limited(group: str) -> None:
    """A request was refused by the ``group`` limit."""
    RATE_LIMITED.labels(group).inc()


def audit_write_failed(stage: str) -> None:
    """An audit row could not be written (``insert``) or completed (``complete``)."""
    AUDIT_WRITE_FAILURES.labels(stage).inc()


def deployment_health(health: Health) -> None:
    """Set the health gauges of ``health.deployment`` from a check just made."""
    deployment = health.deployment
    AIRFLOW_UP.labels(deployment).set(1 if health.reachable else 0)
    for status in HEALTH_STATUSES:
        AIRFLOW_HEALTH.labels(deployment, status).set(1 if health.status == status else 0)
    for component in COMPONENTS:
        current = getattr(health, component).status
        for status in HEALTH_STATUSES:
            AIRFLOW_COMPONENT.labels(deployment, component, status).set(
                1 if current == status else 0
            )
    HEALTH_CHECKED.labels(deployment).set(time.time())


def exposition() -> bytes:
    """Every metric in the Prometheus text format: this process's, or, in multiprocess mode,
    the sum over every worker process."""
    if MULTIPROCESS_ENV not in os.environ:
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def prepare_multiprocess(settings: Settings) -> Path | None:
    """Make the worker processes about to start share their metrics: call in the parent before
    it starts them. With several workers, ``PROMETHEUS_MULTIPROC_DIR`` (set by the operator, or
    a new temporary folder removed at exit) is emptied of a previous run's files and exported
    to the workers. Returns that folder; None for a single process without one (it keeps its
    metrics in memory)."""
    given = os.environ.get(MULTIPROCESS_ENV)
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        # Files of a previous run's processes would be added to this run's values.
        for stale in folder.glob("*.db"):
            stale.unlink()
        return folder
    if settings.http.workers <= 1:
        return None
    folder = Path(tempfile.mkdtemp(prefix="airdeck-metrics-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ[MULTIPROCESS_ENV] = str(folder)
    return folder

"""``/metrics``: every metric in the Prometheus text format, for admins and for a scraper
presenting ``AIRDECK_METRICS_TOKEN``."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.datastructures import CacheControlHeader

from airdeck_api import metrics
from airdeck_api.auth.scraper import SCRAPE_TOKEN_OPT
from airdeck_api.guards import require_permission
from airdeck_api.problems import PROBLEM_RESPONSES


class MetricsController(Controller):
    """Prometheus metrics."""

    path = "/metrics"
    tags = ["Operations"]
    guards = [require_permission]

    @get(
        "/",
        operation_id="getMetrics",
        opt={"permission": "metrics:read", SCRAPE_TOKEN_OPT: True},
        media_type=metrics.CONTENT_TYPE,
        cache_control=CacheControlHeader(no_store=True),
        responses={status: PROBLEM_RESPONSES[status] for status in (401, 403)},
        # Multiprocess mode reads every worker's files: off the event loop.
        sync_to_thread=True,
    )
    def get_metrics(self) -> Response[bytes]:
        """Requests by route, Airflow calls by endpoint, cache, rate limits, token refreshes,
        audit-write failures and each deployment's health (README, "Metrics, probes and
        logs")."""
        return Response(metrics.exposition(), media_type=metrics.CONTENT_TYPE)

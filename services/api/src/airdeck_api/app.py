"""The Litestar application factory."""

from __future__ import annotations

from litestar import Litestar
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin

from airdeck_api.plugin import AirdeckPlugin
from airdeck_api.settings import Settings


def create_app(settings: Settings | None = None) -> Litestar:
    """The API, configured from ``settings`` (from the environment when omitted)."""
    settings = settings or Settings.from_env()
    return Litestar(
        plugins=[AirdeckPlugin(settings)],
        openapi_config=OpenAPIConfig(
            title="Airdeck Orchestrator API",
            version="0.1.0",
            description="Airflow as a headless service: DAGs, runs, tasks, logs and actions.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
        ),
        debug=settings.http.debug,
        # Set here: Litestar reads the body limit from its constructor, not from plugins.
        request_max_body_size=settings.http.max_body_bytes,
    )

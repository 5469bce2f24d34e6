"""The composition root: one plugin wires settings, adapters, services and controllers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from litestar import Litestar, Router
from litestar.config.app import AppConfig
from litestar.plugins import InitPluginProtocol

from airdeck_adapters.airflow import Deployments
from airdeck_adapters.cache import CacheStore, MemoryCache, RedisCache
from airdeck_adapters.db import migrate
from airdeck_adapters.db.engine import create_engine, session_factory
from airdeck_api.controllers.actions import ActionController
from airdeck_api.controllers.audit import AuditController
from airdeck_api.controllers.dags import DagController
from airdeck_api.controllers.health import HealthController
from airdeck_api.controllers.logs import LogController
from airdeck_api.controllers.product import ConfigController, FavoriteController, MetadataController
from airdeck_api.controllers.runs import RunController
from airdeck_api.dependencies import DEPENDENCIES
from airdeck_api.dev_identity import dev_identity_middleware
from airdeck_api.guards import require_permission
from airdeck_api.problems import EXCEPTION_HANDLERS
from airdeck_api.settings import Settings

API_PREFIX = "/api/orchestrator"


class AirdeckPlugin(InitPluginProtocol):
    """Registers Airdeck's routes, dependencies, error handlers and lifecycle on the app."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        settings = self.settings
        orchestrator = Router(
            path=API_PREFIX,
            route_handlers=[
                DagController,
                RunController,
                LogController,
                HealthController,
                ActionController,
                FavoriteController,
                MetadataController,
                ConfigController,
                AuditController,
            ],
            guards=[require_permission],
        )
        app_config.route_handlers.append(orchestrator)
        app_config.dependencies.update(DEPENDENCIES)
        app_config.exception_handlers.update(EXCEPTION_HANDLERS)  # type: ignore[arg-type]
        if settings.auth_mode == "dev":
            app_config.middleware.append(dev_identity_middleware)
        app_config.lifespan.append(self._lifespan)
        return app_config

    @asynccontextmanager
    async def _lifespan(self, app: Litestar) -> AsyncGenerator[None, None]:
        # Migrations are a deliberate step (`make db-upgrade`); refuse to run on an old schema.
        if not await asyncio.to_thread(migrate.is_current, self.settings.database_url):
            raise RuntimeError(
                "The product DB is not at the current schema. Run `make db-upgrade` "
                "(or `airdeck-api db upgrade`) with the same AIRDECK_DATABASE_URL first."
            )
        engine = create_engine(self.settings.database_url)
        app.state.sessions = session_factory(engine)
        deployments = Deployments(self.settings.deployments)
        cache: CacheStore = (
            RedisCache(self.settings.redis_url) if self.settings.redis_url else MemoryCache()
        )
        app.state.settings = self.settings
        app.state.deployments = deployments
        app.state.cache = cache
        try:
            yield
        finally:
            await deployments.aclose()
            await cache.aclose()
            await engine.dispose()

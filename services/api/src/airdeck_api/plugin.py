"""The composition root: one plugin wires settings, adapters, services and controllers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from litestar import Litestar, Router
from litestar.config.app import AppConfig
from litestar.config.cors import CORSConfig
from litestar.plugins import InitPluginProtocol

from airdeck_adapters.airflow import Deployments
from airdeck_adapters.cache import CacheStore, MemoryCache, RedisCache
from airdeck_adapters.db import migrate
from airdeck_adapters.db.engine import create_engine, session_factory
from airdeck_adapters.ratelimit import limiter
from airdeck_api.auth.controller import AuthController
from airdeck_api.auth.keys import load_or_create
from airdeck_api.auth.middleware import authentication_middleware
from airdeck_api.auth.tokens import LocalTokens, OidcTokens, TokenVerifier
from airdeck_api.auth.users import LocalUsers
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
from airdeck_api.headers import SecurityHeadersMiddleware
from airdeck_api.problems import EXCEPTION_HANDLERS
from airdeck_api.ratelimit import parse_limits, rate_limit_middleware
from airdeck_api.settings import Settings

API_PREFIX = "/api/orchestrator"


class AirdeckPlugin(InitPluginProtocol):
    """Registers Airdeck's routes, dependencies, error handlers and lifecycle on the app."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._build_auth()

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
        app_config.route_handlers.append(AuthController)
        app_config.middleware.append(SecurityHeadersMiddleware)
        if settings.auth_mode == "dev":
            app_config.middleware.append(dev_identity_middleware)
        else:
            app_config.middleware.append(authentication_middleware(self.verifier))
        app_config.middleware.append(
            rate_limit_middleware(
                limiter(settings.redis_url, settings.rate_limit_prefix),
                parse_limits(settings.rate_limits),
            )
        )
        app_config.cors_config = CORSConfig(
            allow_origins=list(settings.web_origins),
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
            allow_credentials=False,
        )
        app_config.lifespan.append(self._lifespan)
        return app_config

    def _build_auth(self) -> None:
        """The token verifier of the configured mode, and local users with their key."""
        settings = self.settings
        self.local_users: LocalUsers | None = None
        self.local_tokens: LocalTokens | None = None
        self.verifier: TokenVerifier
        if settings.auth_mode == "oidc":
            assert settings.oidc_issuer is not None
            assert settings.oidc_audience is not None
            self.verifier = OidcTokens(
                settings.oidc_issuer,
                settings.oidc_audience,
                settings.oidc_role_claim,
                settings.oidc_role_map,
            )
            return
        self.local_tokens = LocalTokens(load_or_create(settings.data_dir))
        self.verifier = self.local_tokens
        if settings.auth_mode == "local":
            self.local_users = LocalUsers(settings.local_users)

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
        app.state.local_users = self.local_users
        app.state.local_tokens = self.local_tokens
        try:
            yield
        finally:
            await deployments.aclose()
            await cache.aclose()
            await engine.dispose()

"""The composition root: one plugin wires settings, adapters, services and controllers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Sequence
from contextlib import asynccontextmanager, suppress
from datetime import timedelta

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig, SQLAlchemyInitPlugin
from litestar import Litestar, Router
from litestar.config.app import AppConfig
from litestar.config.cors import CORSConfig
from litestar.plugins import InitPluginProtocol

from airdeck_adapters.airflow import DeploymentConfig, Deployments
from airdeck_adapters.cache import CacheStore, MemoryCache, RedisCache
from airdeck_adapters.db import migrate
from airdeck_adapters.db.engine import database_config
from airdeck_adapters.ratelimit import limiter
from airdeck_api.access_log import request_answered, request_scope
from airdeck_api.auth.controller import AuthController
from airdeck_api.auth.keys import load_or_create
from airdeck_api.auth.middleware import authentication_middleware
from airdeck_api.auth.tokens import LocalTokens, OidcTokens, TokenVerifier
from airdeck_api.auth.users import LocalUsers
from airdeck_api.client_address import TrustedProxies, client_address_middleware
from airdeck_api.controllers.actions import ActionController
from airdeck_api.controllers.alerts import AlertController
from airdeck_api.controllers.audit import AuditController
from airdeck_api.controllers.backfills import BackfillController
from airdeck_api.controllers.connectors import ConnectorController
from airdeck_api.controllers.dags import DagController
from airdeck_api.controllers.deployments import DeploymentController
from airdeck_api.controllers.health import HealthController
from airdeck_api.controllers.logs import LogController
from airdeck_api.controllers.metrics import MetricsController
from airdeck_api.controllers.probes import ProbeController
from airdeck_api.controllers.product import ConfigController, FavoriteController, MetadataController
from airdeck_api.controllers.required_actions import RequiredActionController
from airdeck_api.controllers.run_calendar import CalendarController
from airdeck_api.controllers.runs import RunController
from airdeck_api.controllers.versions import VersionController
from airdeck_api.dependencies import DEPENDENCIES
from airdeck_api.dev_identity import dev_identity_middleware
from airdeck_api.guards import require_permission
from airdeck_api.headers import security_headers
from airdeck_api.http_cache import ConditionalGetMiddleware
from airdeck_api.log_config import install_handler, structlog_config
from airdeck_api.metrics import AirflowMetrics
from airdeck_api.problems import EXCEPTION_HANDLERS
from airdeck_api.ratelimit import SignInAttempts, rate_limit_middleware
from airdeck_api.schemas.deployments import DeploymentProfile
from airdeck_api.services.cached import SharedCache
from airdeck_api.services.logs import LogCursors
from airdeck_api.services.reconcile import Reconciler
from airdeck_api.settings import Settings
from airdeck_api.staleness import stale_header_middleware

API_PREFIX = "/api/orchestrator"


class AirdeckPlugin(InitPluginProtocol):
    """Registers Airdeck's routes, dependencies, error handlers and lifecycle on the app."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._build_auth()
        self.database = database_config(
            settings.storage.database_url,
            SQLAlchemyAsyncConfig,
            session_dependency_key="db_session",
            # Our problem handlers answer for every exception, the DB's included.
            set_default_exception_handler=False,
        )

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        settings = self.settings
        orchestrator = Router(
            path=API_PREFIX,
            route_handlers=[
                DagController,
                RunController,
                CalendarController,
                LogController,
                HealthController,
                DeploymentController,
                ActionController,
                BackfillController,
                VersionController,
                RequiredActionController,
                FavoriteController,
                MetadataController,
                ConfigController,
                AuditController,
                AlertController,
                ConnectorController,
            ],
            guards=[require_permission],
        )
        app_config.route_handlers.append(orchestrator)
        # advanced-alchemy provides each request's `db_session` (closed once the response starts;
        # the services commit what they write) and owns the engine: its lifespan opens it and
        # disposes of it at shutdown. Initialised here rather than appended to the plugins (their
        # hooks run after this one), so its lifespan is entered before Airdeck's and left after
        # it: the reconciler stops before the engine goes.
        app_config = SQLAlchemyInitPlugin(self.database).on_app_init(app_config)
        app_config.dependencies.update(DEPENDENCIES)
        app_config.exception_handlers.update(EXCEPTION_HANDLERS)  # type: ignore[arg-type]
        app_config.route_handlers.extend([AuthController, ProbeController, MetricsController])
        app_config.before_send.append(security_headers)
        # Observability (README, "Metrics, probes and logs"; ADR 0015): logs as JSON lines or
        # for a console; the outermost middleware binds each request's id to its log lines and
        # Airflow calls; a before_send hook, which also sees the answers Litestar sends from
        # outside the middleware stack, adds X-Request-ID and writes the access line and metrics.
        log_format = settings.observability.log_format
        app_config.logging_config = structlog_config()
        install_handler(log_format)
        app_config.middleware.insert(0, request_scope)
        app_config.before_send.append(request_answered)
        app_config.middleware.append(stale_header_middleware)
        app_config.middleware.append(
            client_address_middleware(TrustedProxies(settings.http.trusted_proxies))
        )
        if settings.auth.mode == "dev":
            app_config.middleware.append(dev_identity_middleware)
        else:
            app_config.middleware.append(
                authentication_middleware(self.verifier, settings.observability.metrics_token)
            )
        rate_limiter = limiter(settings.redis.url, settings.redis.prefix)
        limits = settings.rate_limits.limits
        app_config.middleware.append(rate_limit_middleware(rate_limiter, limits))
        # Innermost, so the ETag hashes the body exactly as the handler encoded it.
        app_config.middleware.append(ConditionalGetMiddleware)
        self.sign_in_attempts = SignInAttempts(rate_limiter, limits["sign_in_failures"])
        app_config.cors_config = CORSConfig(
            allow_origins=list(settings.http.web_origins),
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
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
        oidc = settings.auth.oidc
        if oidc is not None:
            self.verifier = OidcTokens(oidc.issuer, oidc.audience, oidc.role_claim, oidc.role_map)
            return
        self.local_tokens = LocalTokens(load_or_create(settings.storage.data_dir))
        self.verifier = self.local_tokens
        if settings.auth.mode == "local":
            self.local_users = LocalUsers(settings.auth.local_users)

    @asynccontextmanager
    async def _lifespan(self, app: Litestar) -> AsyncGenerator[None, None]:
        # Migrations are a deliberate step (`make db-upgrade`); refuse to run on an old schema.
        if not await migrate.is_current(self.database.get_engine()):
            raise RuntimeError(
                "The product DB is not at the current schema. Run `make db-upgrade` "
                "(or `airdeck-api db upgrade`) with the same AIRDECK_DATABASE_URL first."
            )
        # Sessions of their own (audit trail, idempotency, reconciler), from the same engine.
        app.state.sessions = self.database.create_session_maker()
        deployments = Deployments(self.settings.airflow.deployments, observer=AirflowMetrics())
        settings = self.settings
        store: CacheStore = (
            RedisCache(settings.redis.url, prefix=f"{settings.redis.prefix}:cache:")
            if settings.redis.url
            else MemoryCache(settings.cache.max_entries, settings.cache.max_bytes)
        )
        cache = SharedCache(store, soft_deadline=settings.cache.soft_timeout)
        app.state.settings = self.settings
        app.state.deployments = deployments
        app.state.profiles = profiles_of(settings.airflow.deployments)
        app.state.cache = cache
        app.state.local_users = self.local_users
        app.state.local_tokens = self.local_tokens
        app.state.log_cursors = await asyncio.to_thread(
            LogCursors.from_data_dir, self.settings.storage.data_dir
        )
        app.state.sign_in_attempts = self.sign_in_attempts
        reconciler = Reconciler(
            app.state.sessions,
            deployments,
            grace=timedelta(seconds=self.settings.airflow.longest_action),
            key_retention=timedelta(seconds=self.settings.actions.idempotency_ttl),
        )
        reconciling = asyncio.create_task(
            reconciler.run_forever(self.settings.actions.reconcile_interval)
        )
        try:
            yield
        finally:
            reconciling.cancel()
            with suppress(asyncio.CancelledError):
                await reconciling
            await deployments.aclose()
            await cache.aclose()


def profiles_of(configs: Sequence[DeploymentConfig]) -> tuple[DeploymentProfile, ...]:
    """How each configured deployment is shown, the first one being the default."""
    return tuple(
        DeploymentProfile(
            id=config.name,
            name=config.display_name or config.name,
            api_version=config.api_version,
            environment=config.environment,
            color=config.color,
            default=index == 0,
        )
        for index, config in enumerate(configs)
    )

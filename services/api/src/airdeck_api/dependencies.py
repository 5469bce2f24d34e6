"""Request-scoped dependencies: the chosen deployment's client, a DB session, the services and
the calling principal. Everything is built per request from what the plugin put on app state."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated, Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from airdeck_adapters.airflow import AirflowClient, Deployments
from airdeck_adapters.cache import CacheStore
from airdeck_api.identity import principal_of
from airdeck_api.injection import Injected
from airdeck_api.services.access import DagAccess
from airdeck_api.services.actions import ActionService
from airdeck_api.services.audit import Actor, AuditTrail
from airdeck_api.services.configs import ConfigService
from airdeck_api.services.dags import DagService
from airdeck_api.services.logs import LogService
from airdeck_api.services.metadata import MetadataService
from airdeck_api.services.product import ProductData
from airdeck_api.services.runs import RunService
from airdeck_domain.rbac import Principal


def provide_airflow(
    state: State,
    deployment: Annotated[
        str | None,
        QueryParameter(description="The Airflow deployment to ask (the default one when omitted)."),
    ] = None,
) -> AirflowClient:
    """The client of the requested deployment (404 for an unknown name)."""
    deployments: Deployments = state.deployments
    return deployments.get(deployment)


def provide_cache(state: State) -> CacheStore:
    """The shared cache store."""
    cache: CacheStore = state.cache
    return cache


async def provide_db_session(state: State) -> AsyncGenerator[AsyncSession, None]:
    """One product-DB session per request."""
    sessions: async_sessionmaker[AsyncSession] = state.sessions
    async with sessions() as session:
        yield session


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """The calling principal (401 without one)."""
    return principal_of(request)


def provide_actor(request: Request[Any, Any, Any], principal: Injected[Principal]) -> Actor:
    """Who acts, from which address (for the audit log)."""
    return Actor(
        user_id=principal.subject, ip_address=request.client.host if request.client else None
    )


def provide_audit(state: State) -> AuditTrail:
    """The audit trail (writes in sessions of its own)."""
    return AuditTrail(state.sessions)


def provide_product(
    db_session: Injected[AsyncSession], airflow: Injected[AirflowClient]
) -> ProductData:
    """Product metadata and favorites of the requested deployment."""
    return ProductData(db_session, airflow.name)


def provide_access(
    principal: Injected[Principal], airflow: Injected[AirflowClient], product: Injected[ProductData]
) -> DagAccess:
    """DAG-level permission checks for the caller."""
    return DagAccess(principal, airflow, product)


def provide_dag_service(
    airflow: Injected[AirflowClient],
    cache: Injected[CacheStore],
    product: Injected[ProductData],
    access: Injected[DagAccess],
) -> DagService:
    """DAG use cases for the requested deployment."""
    return DagService(airflow, cache, product, access)


def provide_run_service(
    airflow: Injected[AirflowClient], cache: Injected[CacheStore]
) -> RunService:
    """Run use cases for the requested deployment."""
    return RunService(airflow, cache)


def provide_log_service(airflow: Injected[AirflowClient]) -> LogService:
    """Log tailing for the requested deployment."""
    return LogService(airflow)


def provide_actions(
    airflow: Injected[AirflowClient],
    db_session: Injected[AsyncSession],
    access: Injected[DagAccess],
    audit: Injected[AuditTrail],
    actor: Injected[Actor],
    dags: Injected[DagService],
) -> ActionService:
    """Audited actions for the caller."""
    return ActionService(
        airflow=airflow, session=db_session, access=access, audit=audit, actor=actor, dags=dags
    )


def provide_configs(
    airflow: Injected[AirflowClient],
    db_session: Injected[AsyncSession],
    access: Injected[DagAccess],
    audit: Injected[AuditTrail],
    actor: Injected[Actor],
) -> ConfigService:
    """Saved configs for the caller."""
    return ConfigService(
        airflow=airflow, session=db_session, access=access, audit=audit, actor=actor
    )


def provide_metadata(
    airflow: Injected[AirflowClient],
    product: Injected[ProductData],
    access: Injected[DagAccess],
    audit: Injected[AuditTrail],
    actor: Injected[Actor],
) -> MetadataService:
    """Favorites and metadata writes for the caller."""
    return MetadataService(
        airflow=airflow, product=product, access=access, audit=audit, actor=actor
    )


DEPENDENCIES = {
    "airflow": Provide(provide_airflow, sync_to_thread=False),
    "cache": Provide(provide_cache, sync_to_thread=False),
    "db_session": Provide(provide_db_session),
    "principal": Provide(provide_principal, sync_to_thread=False),
    "actor": Provide(provide_actor, sync_to_thread=False),
    "audit": Provide(provide_audit, sync_to_thread=False),
    "product": Provide(provide_product, sync_to_thread=False),
    "access": Provide(provide_access, sync_to_thread=False),
    "dags": Provide(provide_dag_service, sync_to_thread=False),
    "runs": Provide(provide_run_service, sync_to_thread=False),
    "logs": Provide(provide_log_service, sync_to_thread=False),
    "actions": Provide(provide_actions, sync_to_thread=False),
    "configs": Provide(provide_configs, sync_to_thread=False),
    "metadata": Provide(provide_metadata, sync_to_thread=False),
}

"""Request-scoped dependencies: the chosen deployment's client, the services, the principal."""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias, TypeVar

from litestar import Request
from litestar.datastructures import State
from litestar.di import Dependency, Provide
from litestar.params import QueryParameter, SkipValidationMarker

from airdeck_adapters.airflow import AirflowClient, Deployments
from airdeck_adapters.cache import CacheStore
from airdeck_api.identity import principal_of
from airdeck_api.services.dags import DagService
from airdeck_api.services.logs import LogService
from airdeck_api.services.runs import RunService
from airdeck_domain.rbac import Principal

T = TypeVar("T")

Injected: TypeAlias = Annotated[T, Dependency(kind="named"), SkipValidationMarker()]
"""A dependency injected by name; Airdeck's own objects need no validation on every request."""


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


def provide_dag_service(
    airflow: Injected[AirflowClient], cache: Injected[CacheStore]
) -> DagService:
    """DAG use cases for the requested deployment."""
    return DagService(airflow, cache)


def provide_run_service(
    airflow: Injected[AirflowClient], cache: Injected[CacheStore]
) -> RunService:
    """Run use cases for the requested deployment."""
    return RunService(airflow, cache)


def provide_log_service(airflow: Injected[AirflowClient]) -> LogService:
    """Log tailing for the requested deployment."""
    return LogService(airflow)


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """The calling principal (401 without one)."""
    return principal_of(request)


DEPENDENCIES = {
    "airflow": Provide(provide_airflow, sync_to_thread=False),
    "cache": Provide(provide_cache, sync_to_thread=False),
    "dags": Provide(provide_dag_service, sync_to_thread=False),
    "runs": Provide(provide_run_service, sync_to_thread=False),
    "logs": Provide(provide_log_service, sync_to_thread=False),
    "principal": Provide(provide_principal, sync_to_thread=False),
}

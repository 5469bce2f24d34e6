"""Request-scoped dependencies: the chosen deployment's client, the services and the calling
principal. Everything is built per request from what the plugin put on app state; the request's
DB session, ``db_session``, is advanced-alchemy's (registered by the plugin)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import HeaderParameter, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from airdeck_adapters.airflow import AirflowClient, Deployments
from airdeck_api.actors import actor_of
from airdeck_api.identity import principal_of
from airdeck_api.injection import Injected
from airdeck_api.services.access import DagAccess
from airdeck_api.services.actions import ActionService
from airdeck_api.services.audit import Actor, AuditTrail
from airdeck_api.services.audit_log import AuditReader
from airdeck_api.services.backfills import BackfillService
from airdeck_api.services.cached import SharedCache
from airdeck_api.services.configs import ConfigService
from airdeck_api.services.context import RequestContext
from airdeck_api.services.dags import DagService
from airdeck_api.services.deployments import DeploymentService
from airdeck_api.services.fleet import Fleet, addressed_deployment
from airdeck_api.services.gantt import GanttService
from airdeck_api.services.grid import GridService
from airdeck_api.services.idempotency import Idempotency
from airdeck_api.services.logs import LogService
from airdeck_api.services.metadata import MetadataService
from airdeck_api.services.overview import OverviewService
from airdeck_api.services.product import ProductData
from airdeck_api.services.required_actions import RequiredActionService
from airdeck_api.services.runs import RunService
from airdeck_api.services.versions import VersionService
from airdeck_api.settings import Settings
from airdeck_domain.rbac import Principal


def provide_airflow(
    state: State,
    principal: Injected[Principal],
    deployment: Annotated[
        str | None,
        QueryParameter(description="The Airflow deployment to ask (the default one when omitted)."),
    ] = None,
) -> AirflowClient:
    """The client of the requested deployment: 404 for a name that is not configured or that
    the caller may not see (the same answer), 400 for ``*``."""
    deployments: Deployments = state.deployments
    return deployments.get(addressed_deployment(principal, deployment, state.profiles))


def provide_cache(state: State) -> SharedCache:
    """The cache every request shares."""
    cache: SharedCache = state.cache
    return cache


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """The calling principal (401 without one)."""
    return principal_of(request)


def provide_actor(request: Request[Any, Any, Any], principal: Injected[Principal]) -> Actor:
    """Who acts, from which address (for the audit log)."""
    return actor_of(request)


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


def provide_context(
    airflow: Injected[AirflowClient],
    cache: Injected[SharedCache],
    db_session: Injected[AsyncSession],
    product: Injected[ProductData],
    access: Injected[DagAccess],
    audit: Injected[AuditTrail],
    actor: Injected[Actor],
) -> RequestContext:
    """What every use case of this request works with."""
    return RequestContext(
        airflow=airflow,
        cache=cache,
        session=db_session,
        product=product,
        access=access,
        audit=audit,
        actor=actor,
    )


def provide_fleet(
    state: State,
    principal: Injected[Principal],
    cache: Injected[SharedCache],
    db_session: Injected[AsyncSession],
    audit: Injected[AuditTrail],
    actor: Injected[Actor],
) -> Fleet:
    """Every deployment the caller may see, with a request context for each."""
    return Fleet(
        state.deployments,
        state.profiles,
        principal=principal,
        cache=cache,
        session=db_session,
        audit=audit,
        actor=actor,
    )


def provide_deployment_service(fleet: Injected[Fleet]) -> DeploymentService:
    """Use cases across the deployments the caller may see."""
    return DeploymentService(fleet)


def provide_dag_service(context: Injected[RequestContext]) -> DagService:
    """DAG use cases for the requested deployment."""
    return DagService(context)


def provide_run_service(context: Injected[RequestContext]) -> RunService:
    """Run use cases for the requested deployment."""
    return RunService(context)


def provide_overview_service(context: Injected[RequestContext]) -> OverviewService:
    """DAG overviews for the requested deployment."""
    return OverviewService(context)


def provide_grid_service(context: Injected[RequestContext]) -> GridService:
    """DAG grids for the requested deployment."""
    return GridService(context)


def provide_gantt_service(context: Injected[RequestContext]) -> GanttService:
    """Run Gantts for the requested deployment."""
    return GanttService(context)


def provide_log_service(state: State, context: Injected[RequestContext]) -> LogService:
    """Log tailing for the requested deployment, with the API's cursor key."""
    return LogService(context, state.log_cursors)


def provide_actions(context: Injected[RequestContext], dags: Injected[DagService]) -> ActionService:
    """Audited actions for the caller."""
    return ActionService(context, dags)


def provide_backfills(
    context: Injected[RequestContext], dags: Injected[DagService]
) -> BackfillService:
    """Backfills for the caller (Airflow 3 deployments)."""
    return BackfillService(context, dags)


def provide_versions(context: Injected[RequestContext]) -> VersionService:
    """DAG versions for the caller (Airflow 3 deployments)."""
    return VersionService(context)


def provide_required_actions(
    context: Injected[RequestContext], dags: Injected[DagService]
) -> RequiredActionService:
    """Human-in-the-loop requests for the caller (Airflow 3.1+ deployments)."""
    return RequiredActionService(context, dags)


def provide_configs(context: Injected[RequestContext]) -> ConfigService:
    """Saved configs for the caller."""
    return ConfigService(context)


def provide_metadata(context: Injected[RequestContext]) -> MetadataService:
    """Favorites and metadata writes for the caller."""
    return MetadataService(context)


def provide_audit_log(
    state: State, db_session: Injected[AsyncSession], principal: Injected[Principal]
) -> AuditReader:
    """The audit log as the caller may read it, across every deployment."""
    deployments: Deployments = state.deployments
    return AuditReader(principal, deployments, db_session)


def provide_idempotency(
    state: State,
    request: Request[Any, Any, Any],
    actor: Injected[Actor],
    idempotency_key: Annotated[
        str | None,
        HeaderParameter(
            name="Idempotency-Key",
            min_length=1,
            max_length=255,
            description="Send the same key when retrying a write: within the retention window "
            "(AIRDECK_IDEMPOTENCY_TTL) the first answer is returned again and the action is "
            "not repeated. A key reused for a different request is refused with 409.",
        ),
    ] = None,
) -> Idempotency:
    """The caller's Idempotency-Key for this write (none when the header is absent)."""
    settings: Settings = state.settings
    return Idempotency(
        state.sessions,
        user_id=actor.user_id,
        key=idempotency_key,
        route=(request.method, request.url.path, request.url.query),
        retention=timedelta(seconds=settings.actions.idempotency_ttl),
        lease=timedelta(seconds=settings.airflow.longest_action),
    )


DEPENDENCIES = {
    "airflow": Provide(provide_airflow, sync_to_thread=False),
    "cache": Provide(provide_cache, sync_to_thread=False),
    "principal": Provide(provide_principal, sync_to_thread=False),
    "actor": Provide(provide_actor, sync_to_thread=False),
    "audit": Provide(provide_audit, sync_to_thread=False),
    "product": Provide(provide_product, sync_to_thread=False),
    "access": Provide(provide_access, sync_to_thread=False),
    "context": Provide(provide_context, sync_to_thread=False),
    "fleet": Provide(provide_fleet, sync_to_thread=False),
    "deployments": Provide(provide_deployment_service, sync_to_thread=False),
    "dags": Provide(provide_dag_service, sync_to_thread=False),
    "runs": Provide(provide_run_service, sync_to_thread=False),
    "overview": Provide(provide_overview_service, sync_to_thread=False),
    "grid": Provide(provide_grid_service, sync_to_thread=False),
    "gantt": Provide(provide_gantt_service, sync_to_thread=False),
    "logs": Provide(provide_log_service, sync_to_thread=False),
    "actions": Provide(provide_actions, sync_to_thread=False),
    "backfills": Provide(provide_backfills, sync_to_thread=False),
    "versions": Provide(provide_versions, sync_to_thread=False),
    "required_actions": Provide(provide_required_actions, sync_to_thread=False),
    "configs": Provide(provide_configs, sync_to_thread=False),
    "metadata": Provide(provide_metadata, sync_to_thread=False),
    "audit_log": Provide(provide_audit_log, sync_to_thread=False),
    "idempotency": Provide(provide_idempotency, sync_to_thread=False),
}

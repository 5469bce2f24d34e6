"""``/connectors``: no-code API connectors (README, "Connectors"; ADR 0026): list, read,
create, replace, delete, pause, and a live test call with a preview of the first rows. Reads
need ``dags:read`` on the connector's DAG, changes ``connectors:write``; every change is
audited."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from airdeck_api.controllers.paging import Limit, Page
from airdeck_api.injection import Injected
from airdeck_api.problems import PROBLEM_RESPONSES
from airdeck_api.schemas.connectors import (
    ConnectorBody,
    ConnectorPage,
    ConnectorView,
    PauseBody,
    PreviewView,
)
from airdeck_api.services.audit import Actor, AuditTrail
from airdeck_api.services.connectors import ConnectorService
from airdeck_api.services.fleet import addressed_deployment
from airdeck_api.settings import Settings
from airdeck_domain.rbac import Principal


def provide_connectors(
    state: State,
    request: Request[Any, Any, Any],
    db_session: Injected[AsyncSession],
    principal: Injected[Principal],
    actor: Injected[Actor],
    audit: Injected[AuditTrail],
) -> ConnectorService:
    """Connectors for the caller; ``?deployment=`` names the deployment a new connector's DAG
    goes to (the default one when omitted)."""
    settings: Settings = state.settings
    named = request.query_params.get("deployment")
    return ConnectorService(
        session=db_session,
        principal=principal,
        actor=actor,
        audit=audit,
        client_of=state.deployments.get,
        deployment=addressed_deployment(principal, named, state.profiles),
        settings=settings.connectors,
        folder=settings.connectors.folder(settings.storage.data_dir),
        database_url=settings.storage.database_url,
    )


class ConnectorController(Controller):
    """No-code API connectors, one Airflow DAG each."""

    path = "/connectors"
    tags = ["Connectors"]
    dependencies = {"connectors": Provide(provide_connectors, sync_to_thread=False)}

    @get(
        "/",
        operation_id="listConnectors",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def list_connectors(
        self, connectors: Injected[ConnectorService], page: Page = 1, limit: Limit = 50
    ) -> ConnectorPage:
        """The connectors the caller may see, oldest first, each saying whether its DAG is in
        Airflow yet (``pending``)."""
        return await connectors.page(page=page, limit=limit)

    @post(
        "/",
        operation_id="createConnector",
        opt={"permission": "connectors:write", "audit": "create_connector"},
        responses=PROBLEM_RESPONSES,
        status_code=201,
    )
    async def create(
        self, data: JSONBody[ConnectorBody], connectors: Injected[ConnectorService]
    ) -> ConnectorView:
        """Create a connector; its DAG ``connector_<slug>`` appears in Airflow within the DAG
        processor's refresh interval (``pending`` until then). 400 with ``errors`` per field:
        an invalid cron or time zone, a URL with credentials or on a private address (unless
        allowed by AIRDECK_CONNECTORS_ALLOWED_HOSTS), header names that are not tokens, a body
        over 64 KiB, a mapping path that does not parse, colliding columns, a secret used but
        not given, a taken slug."""
        return await connectors.create(data)

    @post(
        "/preview",
        operation_id="previewConnector",
        opt={"permission": "connectors:write"},
        responses=PROBLEM_RESPONSES,
        status_code=200,
    )
    async def preview(
        self, data: JSONBody[ConnectorBody], connectors: Injected[ConnectorService]
    ) -> PreviewView:
        """Call the source now (its first pages, with the secrets the body gives) and map the
        answers as a run would: the first rows, or why a run would fail. Stores nothing."""
        return await connectors.preview(data)

    @get(
        "/{connector_id:uuid}",
        operation_id="getConnector",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def get_connector(
        self, connector_id: FromPath[UUID], connectors: Injected[ConnectorService]
    ) -> ConnectorView:
        """One connector, with its DAG's state in Airflow."""
        return await connectors.get(connector_id)

    @put(
        "/{connector_id:uuid}",
        operation_id="replaceConnector",
        opt={"permission": "connectors:write", "audit": "update_connector"},
        responses=PROBLEM_RESPONSES,
    )
    async def replace(
        self,
        connector_id: FromPath[UUID],
        data: JSONBody[ConnectorBody],
        connectors: Injected[ConnectorService],
    ) -> ConnectorView:
        """Replace a connector's definition, checked as a new one is; a change is one new
        spec version, so one new DAG version in Airflow."""
        return await connectors.replace(connector_id, data)

    @delete(
        "/{connector_id:uuid}",
        operation_id="deleteConnector",
        opt={"permission": "connectors:write", "audit": "delete_connector"},
        responses=PROBLEM_RESPONSES,
        status_code=204,
    )
    async def delete_connector(
        self, connector_id: FromPath[UUID], connectors: Injected[ConnectorService]
    ) -> None:
        """Delete a connector, its secrets and its DAG in Airflow; its definition stays in
        the audit log."""
        await connectors.delete(connector_id)

    @patch(
        "/{connector_id:uuid}/pause",
        operation_id="setConnectorPaused",
        opt={"permission": "connectors:write", "audit": "pause_connector"},
        responses=PROBLEM_RESPONSES,
    )
    async def pause(
        self,
        connector_id: FromPath[UUID],
        data: JSONBody[PauseBody],
        connectors: Injected[ConnectorService],
    ) -> ConnectorView:
        """Pause or unpause a connector's schedule."""
        return await connectors.pause(connector_id, data.paused)

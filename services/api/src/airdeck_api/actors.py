"""Who acts, as the audit log records them, and the audit of writes refused at the route."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from airdeck_adapters.airflow import Deployments
from airdeck_api.identity import principal_of
from airdeck_api.services.audit import Actor, AuditTrail


def actor_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    """The calling principal and their address (as the client-address middleware resolved it)."""
    return Actor(
        user_id=principal_of(connection).subject,
        ip_address=connection.client.host if connection.client else None,
    )


async def audit_refusal(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler, reason: str
) -> None:
    """Record a write the route guard refused (403), for routes that declare their audited
    action in ``opt["audit"]``; reads are not audited."""
    action = handler.opt.get("audit")
    if action is None:
        return
    deployments: Deployments = connection.app.state.deployments
    deployment = connection.query_params.get("deployment") or deployments.default
    await AuditTrail(connection.app.state.sessions).refused(
        actor_of(connection),
        action,
        deployment,
        connection.path_params.get("dag_id"),
        403,
        reason,
    )

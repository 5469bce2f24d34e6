"""Route guards: every route declares the permission it needs in ``opt["permission"]``."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from airdeck_api.actors import audit_refusal
from airdeck_api.auth.scraper import scraped
from airdeck_api.identity import principal_of
from airdeck_domain.rbac import decide

PUBLIC = "public"
"""The ``opt["permission"]`` of routes anyone may call (sign-in, JWKS, the probes)."""


async def require_permission(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Allow the request only if the principal holds the route's permission (DAG scope is
    checked again by the handler once the DAG is known), or it presented the metrics token to
    a route that accepts it; a refused write is audited."""
    permission = handler.opt.get("permission")
    if permission == PUBLIC or scraped(connection, handler):
        return
    if permission is None:
        # A route without a declared permission is a bug; refuse rather than expose it.
        raise PermissionDeniedException("This route declares no permission")
    decision = decide(principal_of(connection), permission, None)
    if not decision.allowed:
        await audit_refusal(connection, handler, decision.reason)
        raise PermissionDeniedException(f"Missing permission '{permission}': {decision.reason}")

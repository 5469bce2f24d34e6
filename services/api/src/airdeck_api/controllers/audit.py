"""``/audit``: who did what, when, and how it ended."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from litestar import Controller, get
from litestar.params import QueryParameter

from airdeck_api.controllers.paging import Page
from airdeck_api.injection import Injected
from airdeck_api.problems import PROBLEM_RESPONSES
from airdeck_api.schemas.audit import AuditPage
from airdeck_api.services.audit_log import AuditQuery, AuditReader


class AuditController(Controller):
    """The audit log."""

    path = "/audit"
    tags = ["Audit"]

    @get(
        "/", operation_id="listAudit", opt={"permission": "audit:read"}, responses=PROBLEM_RESPONSES
    )
    async def list_audit(
        self,
        audit_log: Injected[AuditReader],
        page: Page = 1,
        limit: Annotated[int, QueryParameter(ge=1, le=200, description="Page size, 1-200")] = 50,
        user: Annotated[str | None, QueryParameter(max_length=255)] = None,
        action: Annotated[str | None, QueryParameter(max_length=32)] = None,
        dag_id: Annotated[str | None, QueryParameter(max_length=250)] = None,
        outcome: Annotated[
            Literal["success", "failure", "pending", "refused"] | None, QueryParameter()
        ] = None,
        since: Annotated[datetime | None, QueryParameter(description="From this time on")] = None,
        until: Annotated[datetime | None, QueryParameter(description="Before this time")] = None,
    ) -> AuditPage:
        """Audit rows, newest first: every row for a global admin, only the rows of DAGs in
        their scope for a scoped one."""
        query = AuditQuery(
            page=page,
            limit=limit,
            user=user,
            action=action,
            dag_id=dag_id,
            outcome=outcome,
            since=since,
            until=until,
        )
        return await audit_log.page(query)

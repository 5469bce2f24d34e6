"""``/audit``: who did what, when, and how it ended."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from litestar import Controller, Response, get
from litestar.params import QueryParameter

from airdeck_api.controllers.paging import Page
from airdeck_api.injection import Injected
from airdeck_api.problems import PROBLEM_RESPONSES
from airdeck_api.schemas.audit import AuditPage
from airdeck_api.services.audit_export import audit_csv
from airdeck_api.services.audit_log import AuditQuery, AuditReader

MAX_EXPORT_ROWS = 100_000

User = Annotated[str | None, QueryParameter(max_length=255)]
Action = Annotated[str | None, QueryParameter(max_length=32)]
DagId = Annotated[str | None, QueryParameter(max_length=250)]
Outcome = Annotated[Literal["success", "failure", "pending", "refused"] | None, QueryParameter()]
Since = Annotated[datetime | None, QueryParameter(description="From this time on")]
Until = Annotated[datetime | None, QueryParameter(description="Before this time")]


class AuditController(Controller):
    """The audit log."""

    path = "/audit"
    tags = ["Audit"]

    @get(
        "/export",
        operation_id="exportAudit",
        opt={"permission": "audit:read"},
        responses=PROBLEM_RESPONSES,
        media_type="text/csv",
    )
    async def export_audit(
        self,
        audit_log: Injected[AuditReader],
        user: User = None,
        action: Action = None,
        dag_id: DagId = None,
        outcome: Outcome = None,
        since: Since = None,
        until: Until = None,
    ) -> Response[str]:
        """The rows the list would show for these filters, every page of them (at most
        100,000), newest first, as a CSV file; ``X-Airdeck-Truncated: true`` when more matched."""
        query = AuditQuery(
            user=user, action=action, dag_id=dag_id, outcome=outcome, since=since, until=until
        )
        entries, total = await audit_log.every(query, most=MAX_EXPORT_ROWS)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        headers = {"Content-Disposition": f'attachment; filename="airdeck-audit-{stamp}.csv"'}
        if total > len(entries):
            headers["X-Airdeck-Truncated"] = "true"
        return Response(audit_csv(entries), media_type="text/csv; charset=utf-8", headers=headers)

    @get(
        "/", operation_id="listAudit", opt={"permission": "audit:read"}, responses=PROBLEM_RESPONSES
    )
    async def list_audit(
        self,
        audit_log: Injected[AuditReader],
        page: Page = 1,
        limit: Annotated[int, QueryParameter(ge=1, le=200, description="Page size, 1-200")] = 50,
        user: User = None,
        action: Action = None,
        dag_id: DagId = None,
        outcome: Outcome = None,
        since: Since = None,
        until: Until = None,
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

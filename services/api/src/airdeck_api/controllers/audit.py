"""``/audit``: who did what, when, and how it ended."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from litestar import Controller, get
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from airdeck_adapters.db.services import AuditLogService
from airdeck_api.controllers.paging import Page
from airdeck_api.controllers.schemas import AuditEntry, AuditPage
from airdeck_api.injection import Injected
from airdeck_api.problems import PROBLEM_RESPONSES


class AuditController(Controller):
    """The audit log."""

    path = "/audit"
    tags = ["Audit"]

    @get(
        "/", operation_id="listAudit", opt={"permission": "audit:read"}, responses=PROBLEM_RESPONSES
    )
    async def list_audit(
        self,
        db_session: Injected[AsyncSession],
        page: Page = 1,
        limit: Annotated[int, QueryParameter(ge=1, le=200, description="Page size, 1-200")] = 50,
        user: Annotated[str | None, QueryParameter(max_length=255)] = None,
        action: Annotated[str | None, QueryParameter(max_length=32)] = None,
        dag_id: Annotated[str | None, QueryParameter(max_length=250)] = None,
        outcome: Annotated[
            Literal["success", "failure", "pending"] | None, QueryParameter()
        ] = None,
        since: Annotated[datetime | None, QueryParameter(description="From this time on")] = None,
        until: Annotated[datetime | None, QueryParameter(description="Before this time")] = None,
    ) -> AuditPage:
        """Audit rows, newest first."""
        rows, total = await AuditLogService(session=db_session).search(
            offset=(page - 1) * limit,
            limit=limit,
            user_id=user,
            action=action,
            dag_id=dag_id,
            outcome=outcome,
            since=since,
            until=until,
        )
        entries = [
            AuditEntry(
                id=r.id,
                timestamp=r.timestamp,
                user=r.user_id,
                deployment=r.deployment,
                dag_id=r.dag_id,
                run_id=r.run_id,
                action=r.action,
                details=r.details,
                ip_address=r.ip_address,
                outcome=r.outcome,
                status_code=r.status_code,
                reason=r.reason,
            )
            for r in rows
        ]
        return AuditPage(entries=entries, total=total, page=page, limit=limit)

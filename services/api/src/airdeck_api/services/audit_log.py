"""Reading the audit log: the rows a caller may see, filtered and paged."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from airdeck_adapters.db.models import AuditLog
from airdeck_adapters.db.services import AuditLogService
from airdeck_api.schemas.audit import AuditEntry, AuditPage
from airdeck_api.services.audit_scope import audit_scope
from airdeck_api.services.ports import AirflowPort
from airdeck_domain.rbac import Principal

EXPORT_PAGE = 1000
"""Rows read at once for an export."""


class AuditQuery(msgspec.Struct, kw_only=True, frozen=True):
    """Filters and page of an audit log request (every filter optional)."""

    page: int = 1
    limit: int = 50
    user: str | None = None
    action: str | None = None
    dag_id: str | None = None
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def to_entry(row: AuditLog) -> AuditEntry:
    """The API's view of an audit row."""
    return AuditEntry(
        id=row.id,
        timestamp=row.timestamp,
        user=row.user_id,
        deployment=row.deployment,
        dag_id=row.dag_id,
        run_id=row.run_id,
        action=row.action,
        details=row.details,
        ip_address=row.ip_address,
        outcome=row.outcome,
        status_code=row.status_code,
        reason=row.reason,
    )


class AuditReader:
    """The audit log as one principal may read it, across every deployment."""

    def __init__(
        self, principal: Principal, deployments: Iterable[AirflowPort], session: AsyncSession
    ) -> None:
        self.principal = principal
        self.deployments = deployments
        self.session = session

    async def page(self, query: AuditQuery) -> AuditPage:
        """Audit rows, newest first: every row for a global admin, only the rows of DAGs in
        their scope for a scoped one (see ``audit_scope``)."""
        scope = await audit_scope(self.principal, self.deployments, self.session)
        rows, total = await AuditLogService(session=self.session).search(
            offset=(query.page - 1) * query.limit,
            limit=query.limit,
            user_id=query.user,
            action=query.action,
            dag_id=query.dag_id,
            outcome=query.outcome,
            since=query.since,
            until=query.until,
            scope=scope,
        )
        return AuditPage(
            items=[to_entry(r) for r in rows], total=total, page=query.page, limit=query.limit
        )

    async def every(self, query: AuditQuery, *, most: int) -> tuple[list[AuditEntry], int]:
        """Every row matching the query's filters (its page and limit ignored), newest first,
        at most ``most``, and how many matched in all."""
        # Rows written while the export reads would shift later pages: stop the clock first.
        query = msgspec.structs.replace(query, until=query.until or datetime.now(UTC))
        first = await self.page(msgspec.structs.replace(query, page=1, limit=EXPORT_PAGE))
        entries = list(first.items)
        page = 1
        while len(entries) < min(first.total, most):
            page += 1
            more = await self.page(msgspec.structs.replace(query, page=page, limit=EXPORT_PAGE))
            if not more.items:
                break
            entries.extend(more.items)
        return entries[:most], first.total

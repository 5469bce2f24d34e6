"""The audit log as the API shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from airdeck_domain.models import Page


class AuditEntry(msgspec.Struct):
    id: UUID
    timestamp: datetime
    user: str
    deployment: str
    dag_id: str | None
    run_id: str | None
    action: str
    details: dict[str, Any]
    ip_address: str | None
    outcome: str
    status_code: int | None
    reason: str | None


class AuditPage(Page[AuditEntry], kw_only=True, rename={"items": "entries"}):
    """One page of audit rows, newest first; ``total`` counts all matches."""

    items: list[AuditEntry]

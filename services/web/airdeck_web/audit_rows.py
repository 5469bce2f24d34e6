"""An audit entry as the audit page's table shows it."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from airdeck_web.models import AuditRow
from airdeck_web.timefmt import exact

DETAILS_SHOWN = 120
"""Characters of an entry's details shown in its cell; the whole is on hover."""


def audit_row(entry: dict[str, Any]) -> AuditRow:
    """The cells of one row: when (exact, UTC), who, what, how it ended, where, and why."""
    details = json.dumps(entry.get("details") or {}, sort_keys=True, separators=(", ", ": "))
    dag_id = entry.get("dag_id") or ""
    return {
        "id": str(entry["id"]),
        "when": exact(entry["timestamp"]),
        "user": entry["user"],
        "action": entry["action"],
        "outcome": entry["outcome"],
        "status": str(entry.get("status_code") or ""),
        "dag_id": dag_id,
        "dag_href": "/workflows/" + quote(dag_id, safe="") if dag_id else "",
        "run_id": entry.get("run_id") or "",
        "deployment": entry.get("deployment") or "",
        "reason": entry.get("reason") or "",
        "details": details if len(details) <= DETAILS_SHOWN else details[:DETAILS_SHOWN] + "…",
        "details_full": details,
    }

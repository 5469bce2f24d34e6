"""The audit log as CSV, for spreadsheets: one row per entry, newest first."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from airdeck_api.schemas.audit import AuditEntry

COLUMNS = (
    "timestamp",
    "user",
    "action",
    "outcome",
    "status_code",
    "deployment",
    "dag_id",
    "run_id",
    "ip_address",
    "reason",
    "details",
    "id",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet would run as a formula: a cell starting so gets a leading quote (OWASP's
advice against CSV injection), since user names, run ids and reasons come from outside."""


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def audit_csv(entries: Iterable[AuditEntry]) -> str:
    """The entries as CSV with a header row; ``details`` as compact JSON, times in ISO 8601."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for entry in entries:
        writer.writerow(
            [
                _cell(entry.timestamp.isoformat()),
                _cell(entry.user),
                _cell(entry.action),
                _cell(entry.outcome),
                _cell(entry.status_code),
                _cell(entry.deployment),
                _cell(entry.dag_id),
                _cell(entry.run_id),
                _cell(entry.ip_address),
                _cell(entry.reason),
                _cell(json.dumps(entry.details, separators=(",", ":"), sort_keys=True)),
                _cell(entry.id),
            ]
        )
    return out.getvalue()

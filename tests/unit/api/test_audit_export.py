"""The audit log as CSV: a header, one row per entry, and no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime

from airdeck_api.schemas.audit import AuditEntry
from airdeck_api.services.audit_export import COLUMNS, audit_csv


def entry(user: str, reason: str | None = None) -> AuditEntry:
    return AuditEntry(
        id=uuid.uuid4(),
        timestamp=datetime(2026, 12, 2, 10, 0, tzinfo=UTC),
        user=user,
        deployment="default",
        dag_id="d",
        run_id="manual__2026-12-02T10:00:00+00:00",
        action="trigger_run",
        details={"conf": {"a": [1, 2]}, "note": 'x,y\n"z"'},
        ip_address="127.0.0.1",
        outcome="refused",
        status_code=403,
        reason=reason,
    )


def test_each_entry_is_one_row_under_the_header() -> None:
    entries = [entry("ada"), entry("bob", reason="needs dags:trigger")]
    rows = list(csv.reader(io.StringIO(audit_csv(entries))))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 3
    parsed = [dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]]
    assert [r["user"] for r in parsed] == ["ada", "bob"]
    assert parsed[0]["details"] == '{"conf":{"a":[1,2]},"note":"x,y\\n\\"z\\""}'
    assert parsed[0]["timestamp"] == "2026-12-02T10:00:00+00:00"
    assert parsed[0]["reason"] == "" and parsed[1]["reason"] == "needs dags:trigger"
    assert parsed[1]["status_code"] == "403" and parsed[1]["id"] == str(entries[1].id)


def test_cells_a_spreadsheet_would_run_as_formulas_are_quoted() -> None:
    rows = list(csv.reader(io.StringIO(audit_csv([entry('=HYPERLINK("x")', reason="+1")]))))
    row = dict(zip(COLUMNS, rows[1], strict=True))
    assert row["user"] == '\'=HYPERLINK("x")'
    assert row["reason"] == "'+1"
    assert row["action"] == "trigger_run"

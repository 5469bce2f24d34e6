"""``GET /audit/export``: the audit log as a CSV file, the same rows the list shows, for the
same filters and scope."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.people import Person, client_as, mint

pytestmark = pytest.mark.integration

Client = AsyncTestClient[Litestar]
P = "/api/orchestrator"


async def test_the_export_holds_the_rows_the_list_shows(client: Client, person: Person) -> None:
    for method in ("POST", "DELETE"):
        response = await client.request(method, f"{P}/dags/etl_pipeline/favorite")
        assert response.status_code in (200, 201, 204), response.text
    listed = (await client.get(f"{P}/audit", params={"user": person.subject})).json()
    assert [e["action"] for e in listed["entries"]] == ["unfavorite", "favorite"]

    response = await client.get(f"{P}/audit/export", params={"user": person.subject})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="airdeck-audit-'
    )
    assert "x-airdeck-truncated" not in response.headers
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["id"] for r in rows] == [e["id"] for e in listed["entries"]]
    for row, entry in zip(rows, listed["entries"], strict=True):
        assert (row["user"], row["action"], row["outcome"], row["dag_id"]) == (
            person.subject,
            entry["action"],
            "success",
            "etl_pipeline",
        )
        assert json.loads(row["details"]) == entry["details"]
        assert row["timestamp"][:19] == entry["timestamp"][:19]

    none = await client.get(f"{P}/audit/export", params={"user": person.subject, "action": "x"})
    assert list(csv.reader(io.StringIO(none.text)))[1:] == []


async def test_the_export_is_for_those_who_may_read_the_audit_log(
    make_app: Callable[..., Litestar], api_env: dict[str, str]
) -> None:
    viewer = mint(Path(api_env["AIRDECK_DATA_DIR"]), "audit-export-viewer", role="viewer")
    async with client_as(viewer, make_app()) as as_viewer:
        response = await as_viewer.get(f"{P}/audit/export")
    assert response.status_code == 403
    assert "audit:read" in response.json()["detail"]


async def test_bad_filters_are_a_400_naming_them(client: Client) -> None:
    response = await client.get(f"{P}/audit/export", params={"outcome": "maybe"})
    assert response.status_code == 400
    assert "outcome" in response.text

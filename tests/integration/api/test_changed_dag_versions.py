"""A DAG file that changes under the real Airflow 3: Airdeck lists both versions, says which
version (and bundle) each run used, gives each version's code, and its diff marks the lines
the change added."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.changing_dag import ChangedDag, dag_changed_once

pytestmark = pytest.mark.integration
Client = AsyncTestClient[Litestar]
P = "/api/orchestrator"


def path(*parts: str) -> str:
    return P + "".join("/" + quote(p, safe="") for p in parts)


@pytest.fixture(scope="module")
def changed(airflow: Any) -> Iterator[ChangedDag]:
    with dag_changed_once(airflow) as dag:
        yield dag


async def test_both_versions_are_listed_with_their_bundle(
    client: Client, changed: ChangedDag
) -> None:
    response = await client.get(path("dags", changed.dag_id, "versions"))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["dag_id"] == changed.dag_id and answer["total"] == 2
    first, second = answer["versions"]
    assert (first["version_number"], second["version_number"]) == (1, 2)
    for version in (first, second):
        # A plain DAGs folder is a bundle that keeps no versions of its own.
        assert version["bundle_name"] == "dags-folder" and version["bundle_version"] is None
        assert version["version_id"] and version["created_at"]
    assert first["version_id"] != second["version_id"]
    assert datetime.fromisoformat(first["created_at"]) < datetime.fromisoformat(
        second["created_at"]
    )


async def test_each_run_shows_the_version_and_bundle_it_used(
    client: Client, changed: ChangedDag
) -> None:
    history = (await client.get(path("dags", changed.dag_id, "versions"))).json()["versions"]
    for run_id, version in ((changed.first_run, history[0]), (changed.second_run, history[1])):
        response = await client.get(path("dags", changed.dag_id, "runs", run_id))
        assert response.status_code == 200, response.text
        run = response.json()["run"]
        assert run["dag_versions"] == [version], run_id
        assert run["bundle_version"] is None
    listed = (await client.get(path("dags", changed.dag_id, "runs"))).json()["runs"]
    assert {r["run_id"]: [v["version_number"] for v in r["dag_versions"]] for r in listed} == {
        changed.first_run: [1],
        changed.second_run: [2],
    }


async def test_each_versions_code_is_the_file_it_was_parsed_from(
    client: Client, changed: ChangedDag
) -> None:
    for number, source in ((1, changed.first_source), (2, changed.second_source)):
        response = await client.get(path("dags", changed.dag_id, "versions", str(number), "source"))
        assert response.status_code == 200, response.text
        assert response.json() == {
            "dag_id": changed.dag_id,
            "version_number": number,
            "content": source,
        }


async def test_the_diff_marks_the_lines_the_change_added(
    client: Client, changed: ChangedDag
) -> None:
    forward = await client.get(
        path("dags", changed.dag_id, "versions", "diff"), params={"from": 1, "to": 2}
    )
    assert forward.status_code == 200, forward.text
    diff = forward.json()
    assert (diff["from_version"], diff["to_version"]) == (1, 2)
    assert (diff["added"], diff["removed"]) == (len(changed.added), 0)
    header, body = diff["diff"].splitlines()[:2], diff["diff"].splitlines()[2:]
    assert header == [f"--- {changed.dag_id} v1", f"+++ {changed.dag_id} v2"]
    assert [line[1:] for line in body if line.startswith("+")] == list(changed.added)
    assert not [line for line in body if line.startswith("-")]

    backward = (
        await client.get(
            path("dags", changed.dag_id, "versions", "diff"), params={"from": 2, "to": 1}
        )
    ).json()
    assert (backward["added"], backward["removed"]) == (0, len(changed.added))
    removed = [line[1:] for line in backward["diff"].splitlines()[2:] if line.startswith("-")]
    assert removed == list(changed.added)

"""DAG versions against the real Airflow 3: the history with each version's bundle, the
version each run used, a version's code and the diff between two."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support import airflow_runs

pytestmark = pytest.mark.integration
Client = AsyncTestClient[Litestar]
P = "/api/orchestrator"
DAG = "etl_pipeline"
EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "dags" / "etl_pipeline.py"


def path(*parts: str) -> str:
    return P + "".join("/" + quote(p, safe="") for p in parts)


async def test_version_history_names_each_versions_bundle(client: Client, airflow: Any) -> None:
    response = await client.get(path("dags", DAG, "versions"))
    assert response.status_code == 200, response.text
    answer = response.json()
    theirs = airflow_runs.client(airflow).get(f"/dags/{DAG}/dagVersions").json()
    assert answer["dag_id"] == DAG and answer["total"] == theirs["total_entries"] >= 1
    numbers = [v["version_number"] for v in answer["versions"]]
    assert numbers == sorted(numbers) and numbers[0] == 1
    first = answer["versions"][0]
    # The test Airflow reads a plain DAGs folder: a bundle that keeps no versions of its own.
    assert first["bundle_name"] == "dags-folder" and first["bundle_version"] is None
    assert first["version_id"] and first["created_at"]


async def test_each_run_says_which_version_it_used(client: Client, airflow: Any) -> None:
    run_id = "manual__versions+airdeck:00"
    airflow_runs.ensure_run(airflow, DAG, run_id, {})
    run = (await client.get(path("dags", DAG, "runs", run_id))).json()["run"]
    theirs = airflow_runs.get_run(airflow, DAG, run_id)
    assert theirs is not None
    assert [v["version_number"] for v in run["dag_versions"]] == [
        v["version_number"] for v in theirs["dag_versions"]
    ]
    assert run["dag_versions"] and run["dag_versions"][0]["bundle_name"] == "dags-folder"
    assert run["bundle_version"] == theirs["bundle_version"]
    listed = (await client.get(path("dags", DAG, "runs"), params={"limit": 50})).json()["runs"]
    (same,) = [r for r in listed if r["run_id"] == run_id]
    assert same["dag_versions"] == run["dag_versions"]


async def test_the_code_of_a_version_and_a_diff(client: Client) -> None:
    history = (await client.get(path("dags", DAG, "versions"))).json()["versions"]
    latest = history[-1]["version_number"]
    source = await client.get(path("dags", DAG, "versions", str(latest), "source"))
    assert source.status_code == 200, source.text
    code = source.json()
    assert code["dag_id"] == DAG and code["version_number"] == latest
    assert code["content"] == EXAMPLE.read_text(), "the latest version is the file deployed"
    first = (await client.get(path("dags", DAG, "versions", "1", "source"))).json()
    assert first["version_number"] == 1 and 'dag_id="etl_pipeline"' in first["content"]
    same = await client.get(
        path("dags", DAG, "versions", "diff"), params={"from": latest, "to": latest}
    )
    assert same.status_code == 200, same.text
    assert same.json() == {
        "dag_id": DAG,
        "from_version": latest,
        "to_version": latest,
        "diff": "",
        "added": 0,
        "removed": 0,
    }
    # Between the first version and the latest: empty when the file never changed, else a
    # unified diff whose headers name both versions.
    across = (
        await client.get(path("dags", DAG, "versions", "diff"), params={"from": 1, "to": latest})
    ).json()
    changed = first["content"] != code["content"]
    assert bool(across["diff"]) == changed
    if changed:
        assert across["diff"].startswith(f"--- {DAG} v1\n+++ {DAG} v{latest}\n")


async def test_a_missing_version_or_bad_numbers_are_refused(client: Client) -> None:
    missing = await client.get(path("dags", DAG, "versions", "9999", "source"))
    assert missing.status_code == 404
    assert "9999" in missing.json()["detail"]
    diff = await client.get(path("dags", DAG, "versions", "diff"), params={"from": 1, "to": 9999})
    assert diff.status_code == 404
    zero = await client.get(path("dags", DAG, "versions", "diff"), params={"from": 0, "to": 1})
    assert zero.status_code == 400
    unknown = await client.get(path("dags", "no_such_dag_recover", "versions"))
    assert unknown.status_code == 404

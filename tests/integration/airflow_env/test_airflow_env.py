"""The Airflow the project installs and starts itself: healthy, every example DAG parsed, and
each example DAG running to the outcome the rest of the suite relies on."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.support.airflow_runs import (
    AirflowLogin,
    client,
    get_run,
    run_path,
    task_instances,
    trigger_run,
    wait_for_run,
)
from tests.support.examples import EXAMPLE_DAGS

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
DAGS_DIR = ROOT / "examples" / "dags"
REPORT_CONF = {"region": "apac", "days": 31, "email": "ops@example.com"}
TYPED_CONF = {
    "dry_run": True,
    "batch_size": 500,
    "not_before": "2025-07-01T08:15:00+00:00",
    "cutoff": "18:30:00",
    "regions": ["us", "apac"],
    "options": {"compress": False, "retries": 0},
}
RUN_CONFS: dict[str, dict[str, Any]] = {
    "etl_pipeline": {},
    "mapped_fanout": {},
    "grouped_pipeline": {},
    "slow_logger": {"seconds": 3},
    "parametrized_report": REPORT_CONF,
    "flaky_retry": {},
    "service_pipeline": {},
    "leaky_logger": {},
    "typed_params": TYPED_CONF,
}


def run_id_for(dag_id: str) -> str:
    """A run id with `+` and `:` that changes whenever the DAG file or the Airflow settings do,
    so a run from an earlier session is reused only while it still proves the current code."""
    digest = hashlib.sha256()
    for source in (DAGS_DIR / f"{dag_id}.py", ROOT / "dev" / "airflow" / "env.sh"):
        digest.update(source.read_bytes())
    return f"manual__2026-01-01T00:00:00+00:00_airdeck_{digest.hexdigest()[:10]}"


@pytest.fixture(scope="module")
def runs(airflow: AirflowLogin) -> dict[str, str]:
    """One run per example DAG, all triggered up front so they execute side by side."""
    run_ids = {}
    for dag_id, conf in RUN_CONFS.items():
        run_ids[dag_id] = run_id_for(dag_id)
        if get_run(airflow, dag_id, run_ids[dag_id]) is None:
            trigger_run(airflow, dag_id, run_id=run_ids[dag_id], conf=conf)
    return run_ids


def states_by_task(airflow: AirflowLogin, dag_id: str, run_id: str) -> dict[str, str | None]:
    return {
        ti["task_id"]: ti["state"]
        for ti in task_instances(airflow, dag_id, run_id)
        if ti["map_index"] == -1
    }


def test_every_component_is_healthy(airflow: AirflowLogin) -> None:
    health = client(airflow).get("/monitor/health").json()
    assert {name: part["status"] for name, part in health.items()} == {
        "metadatabase": "healthy",
        "scheduler": "healthy",
        "triggerer": "healthy",
        "dag_processor": "healthy",
    }


def test_every_example_dag_is_parsed_without_import_errors(airflow: AirflowLogin) -> None:
    # Each file is an example DAG, but the connector factory, which builds one per connector.
    assert {p.stem for p in DAGS_DIR.glob("*.py")} == EXAMPLE_DAGS | {"airdeck_connectors"}
    errors = client(airflow).get("/importErrors").json()
    assert errors["total_entries"] == 0, errors["import_errors"]
    dags = client(airflow).get("/dags", params={"limit": 100}).json()["dags"]
    assert {d["dag_id"] for d in dags} >= EXAMPLE_DAGS


def test_etl_pipeline_loads_in_full_and_skips_the_incremental_load(
    airflow: AirflowLogin, runs: dict[str, str]
) -> None:
    run_id = runs["etl_pipeline"]
    assert "+" in run_id
    assert ":" in run_id
    assert wait_for_run(airflow, "etl_pipeline", run_id) == "success"
    assert states_by_task(airflow, "etl_pipeline", run_id) == {
        "extract": "success",
        "validate": "success",
        "choose_load": "success",
        "load_full": "success",
        "load_incremental": "skipped",
        "publish": "success",
    }
    details = client(airflow).get("/dags/etl_pipeline/details").json()
    assert details["owners"] == ["data-eng"]
    assert {t["name"] for t in details["tags"]} == {"etl", "example"}
    assert details["timetable_summary"] == "0 0 * * *"


def test_mapped_fanout_fails_every_item_with_remainder_7_and_reports(
    airflow: AirflowLogin, runs: dict[str, str]
) -> None:
    run_id = runs["mapped_fanout"]
    wait_for_run(airflow, "mapped_fanout", run_id)
    instances = task_instances(airflow, "mapped_fanout", run_id)
    process = {ti["map_index"]: ti["state"] for ti in instances if ti["task_id"] == "process"}
    assert sorted(process) == list(range(120))
    assert {i for i, state in process.items() if state == "failed"} == {7, 32, 57, 82, 107}
    assert {state for i, state in process.items() if i % 25 != 7} == {"success"}
    others = states_by_task(airflow, "mapped_fanout", run_id)
    assert others["make_items"] == "success"
    assert others["report_failures"] == "success"
    assert others["summarize"] == "success"


def test_grouped_pipeline_runs_its_nested_groups(
    airflow: AirflowLogin, runs: dict[str, str]
) -> None:
    run_id = runs["grouped_pipeline"]
    assert wait_for_run(airflow, "grouped_pipeline", run_id) == "success"
    assert states_by_task(airflow, "grouped_pipeline", run_id) == {
        "extract.orders": "success",
        "extract.customers": "success",
        "transform.clean.dedupe": "success",
        "transform.clean.normalize": "success",
        "transform.enrich": "success",
        "load": "success",
    }


def test_flaky_retry_succeeds_on_its_second_try(
    airflow: AirflowLogin, runs: dict[str, str]
) -> None:
    run_id = runs["flaky_retry"]
    assert wait_for_run(airflow, "flaky_retry", run_id) == "success"
    tries = client(airflow).get(f"{run_path('flaky_retry', run_id)}/taskInstances/flaky/tries")
    assert [(t["try_number"], t["state"]) for t in tries.json()["task_instances"]] == [
        (1, "failed"),
        (2, "success"),
    ]
    assert states_by_task(airflow, "flaky_retry", run_id)["done"] == "success"


def test_service_pipeline_passes_a_batch_through_the_example_service(
    airflow: AirflowLogin, runs: dict[str, str]
) -> None:
    run_id = runs["service_pipeline"]
    assert wait_for_run(airflow, "service_pipeline", run_id) == "success"
    stages = ["ingestion", "miner", "analyzer", "writer", "report"]
    assert states_by_task(airflow, "service_pipeline", run_id) == dict.fromkeys(stages, "success")
    xcom = client(airflow).get(
        f"{run_path('service_pipeline', run_id)}/taskInstances/report/xcomEntries/return_value",
        params={"deserialize": True},
    )
    assert xcom.status_code == 200, xcom.text
    # The last stage's answer: it came from `writer`, for this run, with the miner's 3x records.
    assert xcom.json()["value"] == {
        "stage": "report",
        "run_id": run_id,
        "records": 300,
        "from": "writer",
    }


def test_parametrized_report_runs_with_a_valid_conf(
    airflow: AirflowLogin, runs: dict[str, str]
) -> None:
    run_id = runs["parametrized_report"]
    assert wait_for_run(airflow, "parametrized_report", run_id) == "success"
    run = get_run(airflow, "parametrized_report", run_id)
    assert run is not None
    assert run["conf"] == REPORT_CONF


@pytest.mark.parametrize(
    "conf", [{"region": "mars"}, {"days": 0}, {"days": 32}, {"days": "seven"}, {"email": 5}]
)
def test_parametrized_report_rejects_a_conf_outside_its_schema(
    airflow: AirflowLogin, conf: dict[str, Any]
) -> None:
    response = client(airflow).post(
        "/dags/parametrized_report/dagRuns", json={"logical_date": None, "conf": conf}
    )
    assert response.status_code == 400, response.text


def test_typed_params_runs_with_each_json_type(airflow: AirflowLogin, runs: dict[str, str]) -> None:
    run_id = runs["typed_params"]
    assert wait_for_run(airflow, "typed_params", run_id) == "success"
    run = get_run(airflow, "typed_params", run_id)
    assert run is not None
    assert run["conf"] == TYPED_CONF


@pytest.mark.parametrize(
    "conf",
    [{"dry_run": "yes"}, {"batch_size": 5}, {"sample_rate": 2}, {"regions": ["mars"]}],
)
def test_typed_params_rejects_a_conf_outside_its_schema(
    airflow: AirflowLogin, conf: dict[str, Any]
) -> None:
    response = client(airflow).post(
        "/dags/typed_params/dagRuns", json={"logical_date": None, "conf": conf}
    )
    assert response.status_code == 400, response.text


def test_slow_logger_logs_one_tick_per_second(airflow: AirflowLogin, runs: dict[str, str]) -> None:
    run_id = runs["slow_logger"]
    assert wait_for_run(airflow, "slow_logger", run_id) == "success"
    # The task reports success a moment before its supervisor has flushed the log file.
    deadline = time.monotonic() + 30
    while True:
        log = client(airflow).get(
            f"{run_path('slow_logger', run_id)}/taskInstances/{quote('tick')}/logs/1",
            headers={"Accept": "application/json"},
        )
        assert log.status_code == 200, log.text
        events = [entry.get("event", "") for entry in log.json()["content"]]
        if any(e.startswith("done after") for e in events) or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert [e for e in events if e.startswith("tick ")] == [
        "tick 1 of 3",
        "tick 2 of 3",
        "tick 3 of 3",
    ]

"""The ``airdeck`` client commands against a served API and the real test Airflow: each test
is a person of its own (their token in AIRDECK_TOKEN), at the default rate limits."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from typing import Any

import msgspec
import pytest

from airdeck_api.cli.exit_codes import ExitCode
from airdeck_api.cli.health import health_exit_code
from airdeck_domain.models import Health
from tests.integration.cli.cli_runs import AIRDECK, Airdeck, explain
from tests.support.airflow_runs import ensure_run, unpause, wait_for_task_state
from tests.support.examples import EXAMPLE_DAGS
from tests.support.people import Person
from tests.support.ports import free_port
from tests.support.served_api import Served

pytestmark = pytest.mark.integration


async def audit_rows(api: Served, reader: Person, user: str) -> list[dict[str, Any]]:
    """The audit rows of ``user``, newest first, as the admin ``reader`` sees them."""
    response = await api.client.get(
        "/api/orchestrator/audit", params={"user": user, "limit": 50}, headers=reader.headers
    )
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["entries"]
    return rows


async def test_dags_list_as_a_table_and_as_json(airdeck: Airdeck) -> None:
    table = await airdeck("dags", "list")
    assert table.exit_code == 0, explain(table)
    for dag_id in EXAMPLE_DAGS:
        assert dag_id in table.stdout
    assert "DAGs 1-" in table.stderr

    listed = await airdeck("dags", "list", "--json", "--search", "pipeline", "--all")
    assert listed.exit_code == 0, explain(listed)
    ids = {dag["dag_id"] for dag in json.loads(listed.stdout)}
    assert {"etl_pipeline", "grouped_pipeline", "service_pipeline"} <= ids
    assert all("pipeline" in dag_id for dag_id in ids)


async def test_runs_list_shows_a_finished_run(airdeck: Airdeck, airflow: Any) -> None:
    run_id = "manual__cli+runs:01"
    await asyncio.to_thread(ensure_run, airflow, "etl_pipeline", run_id)

    listed = await airdeck("runs", "list", "etl_pipeline", "--limit", "50", "--json")
    assert listed.exit_code == 0, explain(listed)
    runs = {run["run_id"]: run for run in json.loads(listed.stdout)}
    assert runs[run_id]["state"] == "success"

    table = await airdeck("runs", "list", "etl_pipeline", "--limit", "50", "--state", "success")
    assert table.exit_code == 0, explain(table)
    row = next(line for line in table.stdout.splitlines() if run_id in line)
    assert "success" in row and "failed" not in table.stdout


async def test_trigger_wait_then_read_the_log_all_audited(
    airdeck: Airdeck, api: Served, airflow: Any, person: Person
) -> None:
    await asyncio.to_thread(unpause, airflow, "parametrized_report")
    conf = {"region": "us", "days": 2}
    triggered = await airdeck(
        "runs", "trigger", "parametrized_report", "--conf", json.dumps(conf), "--wait"
    )
    assert triggered.exit_code == 0, explain(triggered)
    run_id = triggered.stdout.strip()
    assert "\n" not in run_id, "stdout holds the run id alone"
    assert f"parametrized_report run {run_id}: success" in triggered.stderr
    assert "2/2 tasks" in triggered.stderr

    listed = await airdeck("runs", "list", "parametrized_report", "--limit", "50", "--json")
    run = next(r for r in json.loads(listed.stdout) if r["run_id"] == run_id)
    assert (run["state"], run["conf"]) == ("success", conf)

    log = await airdeck("logs", "parametrized_report", run_id, "build_report", "--try", "1")
    assert log.exit_code == 0, explain(log)
    assert "report: {'region': 'us', 'days': 2, 'total': 84}" in log.stdout
    assert "still running" not in log.stderr

    rows = await audit_rows(api, person, person.subject)
    done = {(row["action"], row["run_id"], row["outcome"]) for row in rows}
    assert ("trigger_run", run_id, "success") in done
    assert ("view_logs", run_id, "success") in done


async def test_a_run_that_fails_while_waited_on_exits_1(
    api_url: str, api: Served, airflow: Any, person: Person
) -> None:
    await asyncio.to_thread(unpause, airflow, "slow_logger")
    waiting = await asyncio.create_subprocess_exec(
        AIRDECK,
        "runs",
        "trigger",
        "slow_logger",
        "--conf",
        '{"seconds": 120}',
        "--wait",
        env={**os.environ, "AIRDECK_API_URL": api_url, "AIRDECK_TOKEN": person.token},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert waiting.stdout is not None
        run_id = (await asyncio.wait_for(waiting.stdout.readline(), 60)).decode().strip()
        assert run_id, "the run id comes first"
        await asyncio.to_thread(
            wait_for_task_state, airflow, "slow_logger", run_id, "tick", {"running"}
        )
        marked = await api.client.post(
            f"/api/orchestrator/dags/slow_logger/runs/{run_id.replace('+', '%2B')}"
            "/tasks/tick/state",
            json={"state": "failed"},
            headers=person.headers,
        )
        assert marked.status_code == 200, marked.text
        _, errors = await asyncio.wait_for(waiting.communicate(), 180)
    finally:
        if waiting.returncode is None:
            waiting.kill()
            await waiting.wait()
    said = errors.decode()
    assert waiting.returncode == ExitCode.FAILED, said
    assert f"slow_logger run {run_id}: failed" in said
    assert "  tick: failed" in said
    assert f"airdeck logs slow_logger {run_id} TASK_ID" in said


async def test_follow_a_running_tasks_log_until_it_ends(airdeck: Airdeck, airflow: Any) -> None:
    await asyncio.to_thread(unpause, airflow, "slow_logger")
    triggered = await airdeck("runs", "trigger", "slow_logger", "--conf", '{"seconds": 6}')
    assert triggered.exit_code == 0, explain(triggered)
    run_id = triggered.stdout.strip()
    await asyncio.to_thread(
        wait_for_task_state, airflow, "slow_logger", run_id, "tick", {"running"}
    )

    followed = await airdeck("logs", "slow_logger", run_id, "tick", "--follow")
    assert followed.exit_code == 0, explain(followed)
    ticks = [line for line in followed.stdout.splitlines() if " tick " in line]
    assert [line.split("INFO", 1)[1].strip() for line in ticks] == [
        f"tick {n} of 6" for n in range(1, 7)
    ]
    assert "done after 6 ticks" in followed.stdout


async def test_health_table_json_and_exit_code(airdeck: Airdeck) -> None:
    table = await airdeck("health")
    assert table.exit_code in (ExitCode.OK, ExitCode.FAILED), explain(table)
    for component in ("scheduler", "db", "dag_processor", "triggerer"):
        assert component in table.stdout

    answered = await airdeck("health", "--json")
    found = msgspec.json.decode(answered.stdout, type=Health)
    assert found.reachable is True
    assert answered.exit_code == health_exit_code(found), explain(answered)


async def test_refusals_exit_3_with_the_apis_reason(
    airdeck: Airdeck, api_env: dict[str, str], request: pytest.FixtureRequest
) -> None:
    viewer = await airdeck(
        "token", "--user", f"{request.node.name}~viewer", "--role", "viewer", env=api_env
    )
    assert viewer.exit_code == 0, explain(viewer)
    forbidden = await airdeck("runs", "trigger", "etl_pipeline", token=viewer.stdout.strip())
    assert forbidden.exit_code == ExitCode.REFUSED, explain(forbidden)
    assert "403 Forbidden: Missing permission 'dags:trigger'" in forbidden.stderr

    invalid = await airdeck(
        "runs", "trigger", "parametrized_report", "--conf", '{"days": 99, "region": "mars"}'
    )
    assert invalid.exit_code == ExitCode.REFUSED, explain(invalid)
    assert "nothing was triggered" in invalid.stderr
    assert "conf.days:" in invalid.stderr and "conf.region:" in invalid.stderr

    missing = await airdeck("runs", "list", f"no_such_dag_{uuid.uuid4().hex[:6]}")
    assert missing.exit_code == ExitCode.REFUSED, explain(missing)
    assert "404" in missing.stderr

    anonymous = await airdeck("dags", "list", token="")
    assert anonymous.exit_code == ExitCode.REFUSED, explain(anonymous)
    assert "401" in anonymous.stderr and "airdeck token --user" in anonymous.stderr


async def test_an_api_that_is_not_there_exits_4(airdeck: Airdeck) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    result = await airdeck("health", env={"AIRDECK_API_URL": nowhere})
    assert result.exit_code == ExitCode.UNAVAILABLE, explain(result)
    assert f"cannot reach the Airdeck API at {nowhere}" in result.stderr


async def test_a_minted_token_acts_as_its_user_in_the_audit_log(
    airdeck: Airdeck,
    api: Served,
    api_env: dict[str, str],
    airflow: Any,
    person: Person,
    request: pytest.FixtureRequest,
) -> None:
    user = f"{request.node.name}~ci"
    minted = await airdeck("token", "--user", user, "--role", "operator", env=api_env)
    assert minted.exit_code == 0, explain(minted)
    assert f"Token for {user} (operator)" in minted.stderr

    await asyncio.to_thread(unpause, airflow, "parametrized_report")
    triggered = await airdeck(
        "runs",
        "trigger",
        "parametrized_report",
        "--note",
        "from the CLI",
        token=minted.stdout.strip(),
    )
    assert triggered.exit_code == 0, explain(triggered)
    run_id = triggered.stdout.strip()

    (row,) = await audit_rows(api, person, user)
    assert (row["action"], row["run_id"], row["outcome"]) == ("trigger_run", run_id, "success")

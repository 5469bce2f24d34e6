"""How the CLI shows what the API answers: tables, the line under a page, log lines, JSON,
and how a watched run ended."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click
import pytest
from click.testing import CliRunner
from rich.console import Console

from airdeck_api.cli import output
from airdeck_api.cli.logs import log_text, print_lines
from airdeck_api.cli.run_watch import finished_tasks, outcome_lines
from airdeck_api.cli.tables import dag_table, health_table, page_note, run_table
from airdeck_api.schemas.runs import RunSnapshot
from airdeck_domain.models import (
    ComponentHealth,
    Dag,
    DagPage,
    DagRun,
    Graph,
    Health,
    LastRun,
    LogLine,
    RunPage,
    TaskSummary,
)

NOON = datetime(2026, 3, 4, 12, 0, 5, tzinfo=UTC)


def rendered(*renderables: object, width: int = 200) -> str:
    console = Console(width=width, record=True, color_system=None)
    for renderable in renderables:
        console.print(renderable)
    return console.export_text()


def test_dag_table_shows_each_dag_with_its_last_run() -> None:
    dags = [
        Dag(
            dag_id="etl_pipeline",
            display_name="etl_pipeline",
            schedule_description="At 00:00",
            owners=["data-eng"],
            tags=["etl"],
            custom_tags=["gold"],
            last_run=LastRun(run_id="r1", state="failed", start_date=NOON),
            next_run=NOON,
        ),
        Dag(dag_id="slow_logger", display_name="slow_logger", is_paused=True),
    ]
    text = rendered(dag_table(dags))
    etl = next(line for line in text.splitlines() if "etl_pipeline" in line)
    for shown in ("At 00:00", "data-eng", "2026-03-04 12:00:05", "failed", "etl, gold"):
        assert shown in etl
    slow = next(line for line in text.splitlines() if "slow_logger" in line)
    assert "slow_logger (paused)" in slow and "Manual" in slow
    assert "(paused)" not in etl


def test_run_table_shows_state_duration_and_conf() -> None:
    run = DagRun(
        run_id="manual__2026-03-04T12:00:05+00:00",
        dag_id="d",
        state="success",
        run_type="manual",
        start_date=NOON,
        duration_seconds=12.34,
        conf={"days": 3},
    )
    row = next(line for line in rendered(run_table([run])).splitlines() if "manual__" in line)
    for shown in (run.run_id, "success", "manual", "2026-03-04 12:00:05", "12.3 s", '{"days":3}'):
        assert shown in row


def test_health_table_shows_every_component_and_why() -> None:
    found = Health(
        deployment="default",
        reachable=True,
        status="degraded",
        scheduler=ComponentHealth(
            status="degraded", heartbeat=NOON, age_seconds=45.0, message="last heartbeat 45 s ago"
        ),
        db=ComponentHealth(status="healthy"),
        dag_processor=ComponentHealth(status="healthy", heartbeat=NOON, age_seconds=2.0),
        triggerer=ComponentHealth(status="unknown", message="not reported"),
        message="one is late",
    )
    text = rendered(health_table(found))
    assert "default: degraded" in text
    scheduler = next(line for line in text.splitlines() if "scheduler" in line)
    assert "45.0 s" in scheduler and "last heartbeat 45 s ago" in scheduler
    assert "not reported" in next(line for line in text.splitlines() if "triggerer" in line)
    assert "one is late" in text


@pytest.mark.parametrize(
    ("page", "note"),
    [
        (DagPage(items=[], total=0, page=1, limit=25), "no DAGs"),
        (DagPage(items=[], total=30, page=3, limit=25), "no DAGs on page 3"),
        (
            DagPage(
                items=[Dag(dag_id=f"d{n}", display_name="") for n in range(25)],
                total=57,
                page=1,
                limit=25,
            ),
            "DAGs 1-25 of 57 (page 1 of 3; --page 2 for more)",
        ),
        (
            DagPage(items=[Dag(dag_id="d", display_name="")] * 7, total=57, page=3, limit=25),
            "DAGs 51-57 of 57 (page 3 of 3)",
        ),
    ],
)
def test_page_note_says_where_the_page_is(page: DagPage, note: str) -> None:
    assert page_note(page, "DAGs") == note


def test_page_note_of_runs() -> None:
    runs = RunPage(items=[DagRun(run_id="r", dag_id="d", state=None)], total=1, page=1, limit=20)
    assert page_note(runs, "runs") == "runs 1-1 of 1 (page 1 of 1)"


def test_log_lines_show_time_level_and_groups() -> None:
    lines = [
        LogLine(text="Pre Execute", group="start"),
        LogLine(text="tick 1 of 3", timestamp=NOON, level="info"),
        LogLine(text="", group="end"),
        LogLine(text="\x1b[31mred\x1b[0m [not markup]", level="error"),
        LogLine(text="bare"),
    ]
    assert log_text(lines[2]) is None
    console = Console(width=20, record=True, color_system=None)
    print_lines(console, lines)
    assert console.export_text().splitlines() == [
        "▸ Pre Execute",
        "2026-03-04 12:00:05 INFO     tick 1 of 3",  # never wrapped at the console's width
        "ERROR    red [not markup]",
        "bare",
    ]


def test_json_output_is_the_items_as_the_api_names_them() -> None:
    runs = [DagRun(run_id="r", dag_id="d", state="queued", conf={"a": 1})]

    result = CliRunner().invoke(click.command()(lambda: output.print_json(runs)))
    decoded = json.loads(result.stdout)
    assert decoded[0]["run_id"] == "r" and decoded[0]["conf"] == {"a": 1}
    assert decoded[0]["state"] == "queued"


def test_results_are_not_cut_when_redirected() -> None:
    # A pipe is not a terminal: tables are as wide as they need, never cut at 80 columns.
    result = CliRunner().invoke(click.command()(lambda: print(output.results().width)))
    assert result.stdout == f"{output.WIDE}\n"


def snapshot(state: str, tasks: dict[str, str | None]) -> RunSnapshot:
    return RunSnapshot(
        run=DagRun(run_id="manual__1", dag_id="d", state=state, duration_seconds=3.0),
        graph=Graph(nodes=[], edges=[]),
        tasks=[TaskSummary(task_id=task, state=s) for task, s in tasks.items()],
    )


def test_finished_tasks_count_every_end() -> None:
    tasks = {"a": "success", "b": "skipped", "c": "upstream_failed", "d": "running", "e": None}
    assert finished_tasks(snapshot("running", tasks).tasks) == 3


def test_a_failed_run_names_its_failed_tasks_and_how_to_read_their_logs() -> None:
    ended = snapshot(
        "failed", {"extract": "success", "load": "failed", "publish": "upstream_failed"}
    )
    text = rendered(*outcome_lines("etl", ended))
    assert "etl run manual__1: failed after 3.0 s" in text
    assert "  load: failed" in text and "  publish: upstream_failed" in text
    assert "extract" not in text
    assert "airdeck logs etl manual__1 TASK_ID" in text


def test_a_successful_run_is_one_line() -> None:
    assert rendered(*outcome_lines("etl", snapshot("success", {"a": "success"}))).splitlines() == [
        "etl run manual__1: success after 3.0 s"
    ]

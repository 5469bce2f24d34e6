"""Following a run until it ends (``airdeck runs trigger --wait``): its snapshot polled at the
web UI's pace, shown as a progress bar of finished tasks."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from airdeck_api.cli.api_client import ApiClient, patiently
from airdeck_api.cli.exit_codes import ExitCode
from airdeck_api.cli.tables import seconds, state_text
from airdeck_api.schemas.runs import RunSnapshot
from airdeck_domain.models import FINISHED_TASK_STATES, TaskSummary
from airdeck_domain.polling import next_interval

FAILED_TASK_STATES = frozenset({"failed", "upstream_failed", "partial"})


def finished_tasks(tasks: list[TaskSummary]) -> int:
    """How many of a run's tasks have ended (a mapped task once all its instances have)."""
    return sum(task.state in FINISHED_TASK_STATES for task in tasks)


def progress_line(snapshot: RunSnapshot) -> Text:
    """``running  3/6 tasks done`` for the log of a watch."""
    line = Text(time.strftime("%H:%M:%S "))
    line.append_text(state_text(snapshot.run.state))
    line.append(f"  {finished_tasks(snapshot.tasks)}/{len(snapshot.tasks)} tasks done")
    return line


def outcome_lines(dag_id: str, snapshot: RunSnapshot) -> list[Text]:
    """How a run ended, and for a failure which tasks failed and how to read their logs."""
    run = snapshot.run
    lines = [Text(f"{dag_id} run {run.run_id}: ").append_text(state_text(run.state))]
    lines[0].append(f" after {seconds(run.duration_seconds)}")
    for task in snapshot.tasks:
        if task.state in FAILED_TASK_STATES:
            lines.append(Text(f"  {task.task_id}: ").append_text(state_text(task.state)))
    if len(lines) > 1:
        lines.append(Text(f"Read a log with: airdeck logs {dag_id} {run.run_id} TASK_ID"))
    return lines


def watch_run(
    api: ApiClient,
    dag_id: str,
    run_id: str,
    console: Console,
    sleep: Callable[[float], None] = time.sleep,
) -> str | None:
    """Poll the run's snapshot (revalidated with its ETag, so an unchanged run costs a 304)
    until the run ends, showing its progress on ``console``; return its final state.

    The pace is the domain's polling policy for a run view: 2 s, backing off to 5 s and 10 s
    while nothing changes, well within one person's read limit. Ctrl-C stops watching (exit
    130); the run goes on."""
    path = ("dags", dag_id, "runs", run_id, "snapshot")
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("tasks"),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=console) as progress:
            bar = progress.add_task(dag_id, total=None)
            snapshot, etag = patiently(partial(api.get_tagged, RunSnapshot, *path), sleep)
            progress.console.print(progress_line(snapshot))
            unchanged = 0
            while True:
                progress.update(
                    bar,
                    description=f"{dag_id}: {snapshot.run.state or 'queued'}",
                    total=len(snapshot.tasks),
                    completed=finished_tasks(snapshot.tasks),
                )
                interval = next_interval("run", snapshot.run.state, unchanged)
                if interval is None:
                    break
                sleep(interval)
                fresh, etag = patiently(
                    partial(api.get_if_changed, RunSnapshot, etag, *path), sleep
                )
                if fresh is None or _same_progress(fresh, snapshot):
                    unchanged += 1
                else:
                    unchanged = 0
                    progress.console.print(progress_line(fresh))
                snapshot = fresh or snapshot
    except KeyboardInterrupt:
        console.print(f"Stopped watching; run {run_id} goes on in Airflow.")
        raise click.exceptions.Exit(ExitCode.INTERRUPTED) from None
    for line in outcome_lines(dag_id, snapshot):
        console.print(line)
    return snapshot.run.state


def _same_progress(one: RunSnapshot, other: RunSnapshot) -> bool:
    return one.run.state == other.run.state and finished_tasks(one.tasks) == finished_tasks(
        other.tasks
    )

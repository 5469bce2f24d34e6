"""``airdeck logs``: a task's log through the API (redacted there), optionally followed with the
API's log cursor until the task ends."""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import partial
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from airdeck_api.cli.api_client import ApiClient, patiently
from airdeck_api.cli.client_options import api_options
from airdeck_api.cli.exit_codes import ExitCode
from airdeck_api.cli.output import notes, results
from airdeck_domain.models import LogChunk, LogLine
from airdeck_domain.polling import BACKOFF_SECONDS, next_interval

LEVEL_STYLES = {
    "debug": "dim",
    "warning": "yellow",
    "error": "red",
    "critical": "bold red",
}


def log_text(line: LogLine) -> Text | None:
    """How one line prints: time and level (when Airflow recorded them) before the text, a
    log group's title marked, a group's end left out."""
    if line.group == "end":
        return None
    if line.group == "start":
        return Text(f"▸ {line.text}", style="bold")
    text = Text()
    if line.timestamp:
        text.append(line.timestamp.strftime("%Y-%m-%d %H:%M:%S "), style="dim")
    level = (line.level or "").lower()
    if level:
        text.append(f"{level.upper():<8} ", style=LEVEL_STYLES.get(level, "dim"))
    text.append_text(Text.from_ansi(line.text, style=LEVEL_STYLES.get(level, "")))
    return text


def print_lines(console: Console, lines: Sequence[LogLine]) -> None:
    """Print log lines as they are, never wrapped or cut to the terminal's width."""
    for line in lines:
        text = log_text(line)
        if text is not None:
            console.print(text, soft_wrap=True)


@click.command(name="logs")
@api_options
@click.argument("dag_id")
@click.argument("run_id")
@click.argument("task_id")
@click.option(
    "--try",
    "try_number",
    type=click.IntRange(min=1),
    default=None,
    help="The try to read (the latest when omitted).",
)
@click.option(
    "--map-index",
    type=click.IntRange(min=-1),
    default=-1,
    show_default=True,
    help="The instance of a mapped task (-1: not mapped).",
)
@click.option("--follow", "-f", is_flag=True, help="Keep printing new lines until the task ends.")
def logs(
    api_url: str,
    token: str,
    deployment: str | None,
    dag_id: str,
    run_id: str,
    task_id: str,
    try_number: int | None,
    map_index: int,
    follow: bool,
) -> None:
    """Print the log of TASK_ID in RUN_ID of DAG_ID.

    With --follow, ask for the lines after the last ones read (the API's cursor) every 3 s,
    backing off to 5 s while nothing comes, until the task has ended and its log is read.
    Opening a log is audited (view_logs); following it is the same viewing.
    """
    params: dict[str, Any] = {"map_index": map_index}
    if try_number is not None:
        params["try_number"] = try_number
    out = results()
    unchanged = 0
    cursor: str | None = None
    with ApiClient(api_url, token, deployment) as api:
        try:
            while True:
                query = {**params, "cursor": cursor} if cursor else params
                path = ("dags", dag_id, "runs", run_id, "tasks", task_id, "logs")
                read = partial(api.get, LogChunk, *path, params=query)
                chunk = patiently(read) if follow else read()
                print_lines(out, chunk.lines)
                cursor = chunk.cursor
                if chunk.is_complete:
                    return
                if not follow:
                    notes().print("(the task is still running: --follow keeps reading)")
                    return
                unchanged = 0 if chunk.lines else unchanged + 1
                pace = next_interval("logs", "running", unchanged)
                time.sleep(BACKOFF_SECONDS["logs"][-1] if pace is None else pace)
        except KeyboardInterrupt:
            raise click.exceptions.Exit(ExitCode.INTERRUPTED) from None

"""How the CLI shows what the API answers: rich tables of DAGs, runs and health, and the
line under a table that says where in a list it is."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import msgspec
from rich.table import Table
from rich.text import Text

from airdeck_domain.models import ComponentHealth, Dag, DagRun, Health, Page

STATE_STYLES = {
    "success": "green",
    "healthy": "green",
    "failed": "red",
    "upstream_failed": "red",
    "unhealthy": "red",
    "running": "cyan",
    "queued": "blue",
    "scheduled": "blue",
    "up_for_retry": "yellow",
    "up_for_reschedule": "yellow",
    "partial": "yellow",
    "degraded": "yellow",
    "deferred": "magenta",
    "skipped": "dim",
    "unknown": "dim",
}
"""Run, task and health states in the colours the web UI gives them."""
NONE = "—"
CONF_WIDTH = 60


def state_text(state: str | None) -> Text:
    """A state, coloured."""
    return Text(state or NONE, style=STATE_STYLES.get(state or "", ""))


def moment(value: datetime | None) -> str:
    """A time in UTC to the second, or a dash."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else NONE


def seconds(value: float | None) -> str:
    """A duration: ``83.2`` → ``83.2 s``."""
    return NONE if value is None else f"{value:.1f} s"


def dag_cell(dag: Dag) -> Text:
    """A DAG's id (red when its file fails to import), marked when it is paused."""
    cell = Text(dag.dag_id, style="red" if dag.has_import_errors else "")
    if dag.is_paused:
        cell.append(" (paused)", style="dim")
    return cell


def dag_table(dags: Sequence[Dag]) -> Table:
    """One row per DAG: schedule, owners, last run and its state, next run, tags; a paused
    DAG marked as such."""
    table = Table(header_style="bold")
    table.add_column("DAG", overflow="fold")
    table.add_column("Schedule")
    table.add_column("Owners")
    table.add_column("Last run (UTC)", min_width=10)
    table.add_column("State", min_width=7)
    table.add_column("Next run (UTC)", min_width=10)
    table.add_column("Tags")
    for dag in dags:
        last = dag.last_run
        table.add_row(
            dag_cell(dag),
            dag.schedule_description,
            ", ".join(dag.owners),
            moment(last.start_date or last.logical_date) if last else NONE,
            state_text(last.state) if last else Text(NONE),
            moment(dag.next_run),
            ", ".join([*dag.tags, *dag.custom_tags]),
        )
    return table


def run_table(runs: Sequence[DagRun]) -> Table:
    """One row per run: id, state, type, start, duration and conf."""
    table = Table(header_style="bold")
    table.add_column("Run", overflow="fold")
    table.add_column("State", min_width=7)
    table.add_column("Type")
    table.add_column("Started (UTC)", min_width=10)
    table.add_column("Duration", justify="right")
    table.add_column("Conf", overflow="ellipsis", max_width=CONF_WIDTH)
    for run in runs:
        table.add_row(
            run.run_id,
            state_text(run.state),
            run.run_type or NONE,
            moment(run.start_date),
            seconds(run.duration_seconds),
            Text(msgspec.json.encode(run.conf).decode() if run.conf else ""),
        )
    return table


def health_table(health: Health) -> Table:
    """One row per component of the deployment: status, last heartbeat, its age, a note."""
    table = Table(
        title=f"{health.deployment}: {health.status}",
        title_style=STATE_STYLES.get(health.status, ""),
        header_style="bold",
    )
    table.add_column("Component")
    table.add_column("Status", min_width=9)
    table.add_column("Heartbeat (UTC)", min_width=10)
    table.add_column("Age", justify="right")
    table.add_column("Note")
    components: dict[str, ComponentHealth] = {
        "scheduler": health.scheduler,
        "db": health.db,
        "dag_processor": health.dag_processor,
        "triggerer": health.triggerer,
    }
    for name, part in components.items():
        table.add_row(
            name,
            state_text(part.status),
            moment(part.heartbeat),
            seconds(part.age_seconds),
            part.message or "",
        )
    if health.message:
        table.caption = health.message
    return table


def page_note(page: Page[Any], noun: str) -> str:
    """Where a page sits in its list: ``DAGs 1-25 of 57 (page 1 of 3; --page 2 for more)``."""
    if not page.items:
        return f"no {noun}" if page.total == 0 else f"no {noun} on page {page.page}"
    first = (page.page - 1) * page.limit + 1
    last = first + len(page.items) - 1
    pages = max(1, math.ceil(page.total / page.limit))
    note = f"{noun} {first}-{last} of {page.total} (page {page.page} of {pages}"
    if page.page < pages:
        note += f"; --page {page.page + 1} for more"
    return note + ")"

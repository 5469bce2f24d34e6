"""Envelopes of the run routes (the payloads themselves are domain models)."""

from __future__ import annotations

import msgspec

from airdeck_domain.models import DagRun, Graph, TaskSummary


class RunEnvelope(msgspec.Struct):
    """``GET /dags/{dag_id}/runs/{run_id}``."""

    run: DagRun


class TaskList(msgspec.Struct):
    """``GET /dags/{dag_id}/runs/{run_id}/tasks``: one entry per task, mapped tasks aggregated."""

    tasks: list[TaskSummary]


class RunSnapshot(msgspec.Struct):
    """``GET /dags/{dag_id}/runs/{run_id}/snapshot``: what a run page polls, in one response:
    the run, its graph with states (as ``…/graph``) and its task summaries (as ``…/tasks``)."""

    run: DagRun
    graph: Graph
    tasks: list[TaskSummary]

"""Response envelopes of the Orchestrator API (the payloads themselves are domain models)."""

from __future__ import annotations

import msgspec

from airdeck_domain.models import DagDetail, DagRun, TaskSummary


class DagEnvelope(msgspec.Struct):
    """``GET /dags/{dag_id}``."""

    dag: DagDetail


class RunEnvelope(msgspec.Struct):
    """``GET /dags/{dag_id}/runs/{run_id}``."""

    run: DagRun


class TaskList(msgspec.Struct):
    """``GET /dags/{dag_id}/runs/{run_id}/tasks``: one entry per task, mapped tasks aggregated."""

    tasks: list[TaskSummary]

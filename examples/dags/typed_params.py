"""An export whose params cover every widget of the trigger form: a boolean, bounded numbers,
a date, a date-time and a time, an array of choices, a free array and an object; each reaches
the task with its JSON type."""

from __future__ import annotations

import logging
from typing import Any

import pendulum

try:
    from airflow.sdk import Param, dag, get_current_context, task
except ImportError:  # Airflow 2 has no Task SDK: the same names from their 2.x modules
    from airflow.decorators import dag, task
    from airflow.models.param import Param
    from airflow.operators.python import get_current_context

log = logging.getLogger(__name__)


@dag(
    dag_id="typed_params",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["params", "example"],
    default_args={"owner": "analytics"},
    params={
        "dry_run": Param(
            False,
            type="boolean",
            title="Dry run",
            description="Only log what would be exported.",
        ),
        "batch_size": Param(
            100,
            type="integer",
            minimum=10,
            maximum=1000,
            title="Batch size",
            description="Rows per batch (10 to 1000).",
        ),
        "sample_rate": Param(
            0.5,
            type="number",
            minimum=0,
            maximum=1,
            title="Sample rate",
            description="The share of rows exported, 0 to 1.",
        ),
        "since": Param(
            "2025-01-01",
            type="string",
            format="date",
            title="Since",
            description="The first day exported.",
        ),
        # Nullable, so the defaults pass Airflow 2's stricter RFC 3339 format checks too.
        "not_before": Param(
            None,
            type=["null", "string"],
            format="date-time",
            title="Not before",
            description="Wait until then before exporting (UTC); empty: start at once.",
        ),
        "cutoff": Param(
            None,
            type=["null", "string"],
            format="time",
            title="Cutoff",
            description="Rows changed after this time of day wait for the next export.",
        ),
        "regions": Param(
            ["eu"],
            type="array",
            items={"type": "string", "enum": ["eu", "us", "apac"]},
            minItems=1,
            uniqueItems=True,
            title="Regions",
            description="Which regions are exported.",
        ),
        "columns": Param(
            ["id", "amount"],
            type="array",
            items={"type": "string"},
            title="Columns",
            description="The columns exported, in order.",
        ),
        "options": Param(
            {"compress": True, "retries": 2},
            type="object",
            properties={
                "compress": {"type": "boolean"},
                "retries": {"type": "integer", "minimum": 0},
            },
            title="Options",
            description="How the files are written.",
        ),
        "label": Param(
            None,
            type=["null", "string"],
            title="Label",
            description="A name for this export; empty: none.",
        ),
    },
)
def typed_params() -> None:
    """Log each param with its type, so a run shows what the trigger form sent."""

    @task
    def export() -> dict[str, Any]:
        params: dict[str, Any] = dict(get_current_context()["params"])
        for name, value in sorted(params.items()):
            log.info("%s = %r (%s)", name, value, type(value).__name__)
        return {"regions": params["regions"], "rows": params["batch_size"]}

    export()


typed_params()

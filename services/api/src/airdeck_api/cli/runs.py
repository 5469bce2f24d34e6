"""``airdeck runs``: a DAG's runs, and starting one (optionally waiting for its end)."""

from __future__ import annotations

from typing import Any

import click
import msgspec

from airdeck_api.cli.api_client import ApiClient
from airdeck_api.cli.client_options import api_options
from airdeck_api.cli.exit_codes import ExitCode
from airdeck_api.cli.output import notes, print_json, results
from airdeck_api.cli.run_watch import watch_run
from airdeck_api.cli.tables import page_note, run_table
from airdeck_api.schemas.actions import TriggerBody, TriggerResult
from airdeck_api.schemas.dags import DagEnvelope
from airdeck_domain.models import RunPage

PAGE_LIMIT = 50
"""The API's largest page of runs."""


class JsonObject(click.ParamType[dict[str, Any], Any]):
    """A JSON object given on the command line (a run's conf)."""

    name = "JSON"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        try:
            decoded = msgspec.json.decode(str(value).encode())
        except msgspec.DecodeError as exc:
            self.fail(f"not valid JSON ({exc}); e.g. --conf '{{\"days\": 3}}'", param, ctx)
        if not isinstance(decoded, dict):
            self.fail(
                f"must be a JSON object, not {type(decoded).__name__}; "
                "e.g. --conf '{\"days\": 3}'",
                param,
                ctx,
            )
        return decoded


@click.group(name="runs")
def runs() -> None:
    """Runs of a DAG."""


@runs.command(name="list")
@api_options
@click.argument("dag_id")
@click.option("--state", "states", multiple=True, help="Only runs in this state (repeatable).")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--limit", type=click.IntRange(1, PAGE_LIMIT), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="A JSON array of the runs instead.")
def list_runs(
    api_url: str,
    token: str,
    deployment: str | None,
    dag_id: str,
    states: tuple[str, ...],
    page: int,
    limit: int,
    as_json: bool,
) -> None:
    """List DAG_ID's runs, newest first."""
    params: dict[str, Any] = {"page": page, "limit": limit}
    if states:
        params["state"] = list(states)
    with ApiClient(api_url, token, deployment) as api:
        listed = api.get(RunPage, "dags", dag_id, "runs", params=params)
    if as_json:
        print_json(listed.items)
        return
    results().print(run_table(listed.items))
    notes().print(page_note(listed, "runs"))


@runs.command(name="trigger")
@api_options
@click.argument("dag_id")
@click.option(
    "--conf",
    type=JsonObject(),
    default=None,
    help="The run's conf as a JSON object, checked against the DAG's params.",
)
@click.option("--note", default=None, help="A note on the run.")
@click.option(
    "--wait",
    is_flag=True,
    help="Follow the run until it ends; exit 1 unless it succeeded.",
)
def trigger_run(
    api_url: str,
    token: str,
    deployment: str | None,
    dag_id: str,
    conf: dict[str, Any] | None,
    note: str | None,
    wait: bool,
) -> None:
    """Start a run of DAG_ID and print its run id.

    With --wait, show its progress (polling at the web UI's pace: every 2 s, backing off to
    10 s while nothing changes) until it ends, and exit 1 unless it succeeded.
    """
    with ApiClient(api_url, token, deployment) as api:
        started = api.post(
            TriggerResult, "dags", dag_id, "runs", body=TriggerBody(conf=conf, note=note)
        )
        click.echo(started.run_id)
        if not wait:
            notes().print(f"{dag_id}: run {started.run_id} {started.state or 'queued'}")
            return
        if api.get(DagEnvelope, "dags", dag_id).dag.is_paused:
            notes().print(
                f"{dag_id} is paused: its run stays queued until the DAG is unpaused "
                "(in the web UI, say)."
            )
        ended = watch_run(api, dag_id, started.run_id, notes())
    if ended != "success":
        raise click.exceptions.Exit(ExitCode.FAILED)

"""``airdeck health``: how the Airflow deployment is doing, as the API classifies it."""

from __future__ import annotations

import click

from airdeck_api.cli.api_client import ApiClient
from airdeck_api.cli.client_options import api_options
from airdeck_api.cli.exit_codes import ExitCode
from airdeck_api.cli.output import print_json, results
from airdeck_api.cli.tables import health_table
from airdeck_domain.models import Health


def health_exit_code(health: Health) -> ExitCode:
    """0 while Airflow works (healthy, or degraded: a late heartbeat), 4 when the API cannot
    reach it, 1 when it is unhealthy."""
    if not health.reachable:
        return ExitCode.UNAVAILABLE
    if health.status in ("healthy", "degraded"):
        return ExitCode.OK
    return ExitCode.FAILED


@click.command(name="health")
@api_options
@click.option("--json", "as_json", is_flag=True, help="The API's health answer as JSON instead.")
def health(api_url: str, token: str, deployment: str | None, as_json: bool) -> None:
    """Show the deployment's scheduler, DB, DAG processor and triggerer.

    Exits 0 when Airflow is healthy or degraded (a heartbeat late), 1 when it is unhealthy,
    4 when the API or Airflow cannot be reached.
    """
    with ApiClient(api_url, token, deployment) as api:
        found = api.get(Health, "health")
    if as_json:
        print_json(found)
    else:
        results().print(health_table(found))
    code = health_exit_code(found)
    if code != ExitCode.OK:
        raise click.exceptions.Exit(code)

"""``airdeck dags``: the DAGs the caller may read."""

from __future__ import annotations

import click

from airdeck_api.cli.api_client import ApiClient
from airdeck_api.cli.client_options import api_options
from airdeck_api.cli.output import notes, print_json, results
from airdeck_api.cli.tables import dag_table, page_note
from airdeck_domain.models import Dag, DagPage

PAGE_LIMIT = 100
"""The API's largest page of DAGs."""


@click.group(name="dags")
def dags() -> None:
    """DAGs of a deployment."""


@dags.command(name="list")
@api_options
@click.option("--search", default=None, help="Only DAGs whose id contains this.")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--limit", type=click.IntRange(1, PAGE_LIMIT), default=PAGE_LIMIT, show_default=True)
@click.option("--all", "every_page", is_flag=True, help="Every page, not just one.")
@click.option("--json", "as_json", is_flag=True, help="A JSON array of the DAGs instead.")
def list_dags(
    api_url: str,
    token: str,
    deployment: str | None,
    search: str | None,
    page: int,
    limit: int,
    every_page: bool,
    as_json: bool,
) -> None:
    """List the DAGs you may read, by id: schedule, owners, last run, next run, tags."""
    found: list[Dag] = []
    with ApiClient(api_url, token, deployment) as api:
        while True:
            params: dict[str, str | int] = {"page": page, "limit": limit}
            if search:
                params["search"] = search
            listed = api.get(DagPage, "dags", params=params)
            found.extend(listed.items)
            if not every_page or not listed.items or page * limit >= listed.total:
                break
            page += 1
    if as_json:
        print_json(found)
        return
    results().print(dag_table(found))
    if not every_page:
        notes().print(page_note(listed, "DAGs"))

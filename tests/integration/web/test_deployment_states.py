"""The web's deployment handling, its handlers run as Reflex runs them against the real API in
process, configured with several deployments (tests/support/deployments_file.py): the list
shows every deployment's DAGs with their badges and names the one that is down, the URL
chooses the deployment, and a DAG page asks the deployment its link names."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar

from airdeck_web.api_client import reach_api_through
from airdeck_web.states.dag import DagState
from airdeck_web.states.deployments import DeploymentsState
from airdeck_web.states.workflows import WorkflowsState
from tests.integration.web.test_states import fire, signed_in, state_of
from tests.support.deployments_file import write_deployments_file
from tests.support.people import Person

pytestmark = pytest.mark.integration


@asynccontextmanager
async def fleet_api(
    make_app: Callable[..., Litestar], airflow: Any, folder: Path
) -> AsyncIterator[None]:
    """Every state handler's API calls go to an in-process API with the test deployments."""
    app = make_app(AIRDECK_RATE_LIMITS="", **write_deployments_file(folder, airflow))
    async with app.lifespan():
        reach_api_through(httpx.ASGITransport(app=app))
        try:
            yield
        finally:
            reach_api_through(None)


async def test_the_list_shows_every_deployment_with_badges_and_names_the_down_one(
    make_app: Callable[..., Litestar], airflow: Any, person: Person, tmp_path: Path
) -> None:
    async with fleet_api(make_app, airflow, tmp_path):
        state = signed_in(state_of(WorkflowsState, "/workflows"), person)
        await fire(WorkflowsState.load, state)
        assert state.choice == "*", "several deployments: all of them at first"
        assert {d["deployment"] for d in state.dags} == {"main", "mirror"}
        mirror = next(d for d in state.dags if d["deployment"] == "mirror")
        assert (mirror["badge_label"], mirror["badge_color"]) == ("staging", "#f9a825")
        assert mirror["deployment_query"] == "?deployment=mirror"
        assert [u["deployment"] for u in state.unavailable] == ["down"]
        main, mirror_line, down = state.lines
        assert [main["id"], mirror_line["id"], down["id"]] == ["main", "mirror", "down"]
        # A busy scheduler may be late with its heartbeat: degraded, never down.
        assert main["status"] in ("healthy", "degraded") and down["status"] == "down"
        assert state.health == {}, "no single health bar over every deployment"

        chosen = signed_in(state_of(WorkflowsState, "/workflows", deployment="mirror"), person)
        await fire(WorkflowsState.load, chosen)
        assert chosen.choice == "mirror" and chosen.deployment == "mirror"
        assert {d["deployment"] for d in chosen.dags} == {"mirror"}
        assert set(chosen.health) == {"scheduler", "db", "dag_processor", "triggerer"}
        assert chosen.unavailable == []


async def test_a_dag_page_asks_the_deployment_its_link_names(
    make_app: Callable[..., Litestar], airflow: Any, person: Person, tmp_path: Path
) -> None:
    async with fleet_api(make_app, airflow, tmp_path):
        page = state_of(DagState, "/workflows/[dag_id]", dag_id="etl_pipeline", deployment="mirror")
        dag = signed_in(page, person)
        deployments = await dag.get_state(DeploymentsState)
        await fire(DeploymentsState.follow_url, deployments)
        assert dag.deployment == "mirror" and deployments.current_badge["label"] == "staging"
        await fire(DagState.load, dag)
        assert dag.error == "" and dag.dag["deployment"] == "mirror"

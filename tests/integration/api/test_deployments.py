"""Several deployments in one API, from a deployments file: the shared test Airflow under two ids
(``main``, the default, and ``mirror``) and ``down``, on a port that refuses every connection.

``GET /deployments`` reports each one (the down one as down, never as an error), the DAG list
across deployments (``?deployment=*``) is sorted and paged over both live ones with the down
one named, and deployment-scoped grants see only their deployment."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.airflow_runs import ensure_run, get_run
from tests.support.deployments_file import DEPLOYMENTS, write_deployments_file
from tests.support.examples import EXAMPLE_DAGS
from tests.support.people import Person, mint

pytestmark = pytest.mark.integration

Client = AsyncTestClient[Litestar]
P = "/api/orchestrator"


@pytest.fixture(scope="module")
async def fleet_client(
    make_app: Callable[..., Litestar], airflow: Any, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Client]:
    """An API configured by a deployments file (see the module)."""
    env = write_deployments_file(tmp_path_factory.mktemp("deployments"), airflow)
    async with AsyncTestClient(app=make_app(**env), timeout=60) as client:
        yield client


@pytest.fixture
def as_person(api_env: dict[str, str], request: pytest.FixtureRequest) -> Callable[..., Person]:
    """``as_person(role)``: a person of this test's own holding ``role``."""

    def minted(role: str = "admin") -> Person:
        data_dir = Path(api_env["AIRDECK_DATA_DIR"])
        return mint(data_dir, f"{request.node.name}~{role}", role)

    return minted


async def get(client: Client, who: Person, path: str, **params: Any) -> Any:
    response = await client.get(P + path, params=params, headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_every_deployment_is_reported_and_the_down_one_as_down(
    fleet_client: Client, person: Person, airflow: Any
) -> None:
    body = await get(fleet_client, person, "/deployments")
    main, mirror, down = body["deployments"]
    assert [d["id"] for d in body["deployments"]] == list(DEPLOYMENTS)
    version = httpx.get(f"{airflow.url}/api/v2/version", timeout=10).json()["version"]
    main_total = (await get(fleet_client, person, "/dags", deployment="main", limit=1))["total"]
    assert main == {
        **main,
        "name": "Main",
        "environment": "production",
        "color": "#c62828",
        "api_version": "v2",
        "default": True,
        "airflow_version": version,
        "dag_count": main_total,
        "problem": None,
    }
    assert main["health"]["reachable"] and main["health"]["deployment"] == "main"
    assert main["health"]["scheduler"]["status"] in ("healthy", "degraded")
    assert (mirror["default"], mirror["dag_count"], mirror["environment"]) == (
        False,
        main_total,
        "staging",
    )
    assert (down["airflow_version"], down["dag_count"], down["color"]) == (None, None, "#1565c0")
    assert not down["health"]["reachable"] and down["health"]["status"] == "unhealthy"
    assert "'down' is unreachable" in down["health"]["message"]
    assert "127.0.0.1" not in str(body), "a deployment's address never leaves the API"


async def test_one_list_across_deployments_is_sorted_paged_and_names_the_down_one(
    fleet_client: Client, person: Person
) -> None:
    whole = await get(fleet_client, person, "/dags", deployment="*", limit=100)
    rows = [(d["dag_id"], d["deployment"]) for d in whole["dags"]]
    main = await get(fleet_client, person, "/dags", deployment="main", limit=100)
    assert whole["total"] == len(rows) == 2 * main["total"]
    assert rows == sorted(rows), "by DAG id, then deployment"
    assert {dag_id for dag_id, _ in rows} >= EXAMPLE_DAGS
    assert {deployment for _, deployment in rows} == {"main", "mirror"}
    (down,) = whole["unavailable"]
    assert down["deployment"] == "down" and "'down' is unreachable" in down["message"]
    assert "127.0.0.1" not in down["message"]

    paged = []
    for page in range(1, -(-whole["total"] // 7) + 1):
        body = await get(fleet_client, person, "/dags", deployment="*", limit=7, page=page)
        assert (body["total"], body["page"], body["limit"]) == (whole["total"], page, 7)
        paged += [(d["dag_id"], d["deployment"]) for d in body["dags"]]
    assert paged == rows

    backwards = await get(fleet_client, person, "/dags", deployment="*", limit=100, sort="-dag_id")
    assert [d["dag_id"] for d in backwards["dags"]] == sorted(
        (dag_id for dag_id, _ in rows), reverse=True
    )


async def test_a_last_run_order_holds_across_deployments(
    fleet_client: Client, person: Person
) -> None:
    body = await get(fleet_client, person, "/dags", deployment="*", limit=100, sort="-last_run")
    starts = [(d["last_run"] or {}).get("start_date") for d in body["dags"]]
    ran = [s for s in starts if s is not None]
    assert ran, "the example DAGs have runs"
    assert starts[: len(ran)] == ran, "DAGs that never ran (or have not started) come last"
    assert ran == sorted(ran, reverse=True)
    by_deployment: dict[str, list[str | None]] = {}
    for dag in body["dags"]:
        by_deployment.setdefault(dag["dag_id"], []).append((dag["last_run"] or {}).get("run_id"))
    # One Airflow under two ids: each DAG shows the same last run in both.
    assert all(len(set(runs)) == 1 for runs in by_deployment.values())


async def test_one_deployment_keeps_todays_answer(fleet_client: Client, person: Person) -> None:
    default = await get(fleet_client, person, "/dags", limit=3)
    mirror = await get(fleet_client, person, "/dags", deployment="mirror", limit=3)
    assert list(mirror) == ["dags", "total", "page", "limit"], "today's answer, unchanged"
    assert {d["deployment"] for d in default["dags"]} == {"main"}
    assert {d["deployment"] for d in mirror["dags"]} == {"mirror"}
    assert [d["dag_id"] for d in mirror["dags"]] == [d["dag_id"] for d in default["dags"]]
    down = await fleet_client.get(
        f"{P}/dags", params={"deployment": "down"}, headers=person.headers
    )
    assert down.status_code == 503 and "'down'" in down.json()["detail"]
    star = await fleet_client.get(
        f"{P}/dags/etl_pipeline", params={"deployment": "*"}, headers=person.headers
    )
    assert star.status_code == 400 and "name one deployment" in star.json()["detail"]


async def test_a_deployment_grant_sees_only_its_deployment(
    fleet_client: Client, as_person: Callable[..., Person], person: Person
) -> None:
    sam = as_person("operator@deployment=mirror")
    listed = await get(fleet_client, sam, "/deployments")
    assert [d["id"] for d in listed["deployments"]] == ["mirror"]
    merged = await get(fleet_client, sam, "/dags", deployment="*", limit=100)
    everything = await get(fleet_client, person, "/dags", deployment="mirror", limit=100)
    assert {d["deployment"] for d in merged["dags"]} == {"mirror"}
    assert merged["total"] == everything["total"]
    assert "unavailable" not in merged, "left out when every deployment asked answered"
    detail = await get(fleet_client, sam, "/dags/etl_pipeline", deployment="mirror")
    assert detail["dag"]["deployment"] == "mirror"

    for method, path, params in [
        ("GET", "/dags", {"deployment": "main"}),
        ("GET", "/dags/etl_pipeline", {"deployment": "main"}),
        ("GET", "/health", {"deployment": "down"}),
        ("POST", "/dags/etl_pipeline/runs", {"deployment": "main"}),
    ]:
        hidden = await fleet_client.request(
            method, P + path, params=params, json={"conf": {}}, headers=sam.headers
        )
        assert hidden.status_code == 404, (method, path, hidden.text)
        name = params["deployment"]
        assert hidden.json()["detail"] == (
            f"Unknown deployment '{name}'. Known deployments: mirror"
        ), "a hidden deployment answers like one that does not exist"
    unnamed = await fleet_client.get(f"{P}/dags", headers=sam.headers)
    assert unnamed.status_code == 404 and "main" not in unnamed.json()["detail"]
    me = (await fleet_client.get("/api/auth/me", headers=sam.headers)).json()
    assert me["grants"][0]["deployment"] == "mirror"


async def test_a_grant_scoped_otherwise_sees_every_deployment_but_only_its_dags(
    fleet_client: Client, as_person: Callable[..., Person]
) -> None:
    tagged = as_person("viewer@tag=mapping")
    listed = await get(fleet_client, tagged, "/deployments")
    assert [d["id"] for d in listed["deployments"]] == list(DEPLOYMENTS)
    assert [d["dag_count"] for d in listed["deployments"]] == [1, 1, None]
    merged = await get(fleet_client, tagged, "/dags", deployment="*")
    assert [(d["dag_id"], d["deployment"]) for d in merged["dags"]] == [
        ("mapped_fanout", "main"),
        ("mapped_fanout", "mirror"),
    ]
    assert [u["deployment"] for u in merged["unavailable"]] == ["down"]


async def test_one_calendar_across_deployments_names_each_entrys_and_the_down_one(
    fleet_client: Client, person: Person, airflow: Any
) -> None:
    run_id = "manual__calendar+airdeck"
    ensure_run(airflow, "etl_pipeline", run_id)
    run = get_run(airflow, "etl_pipeline", run_id)
    assert run is not None
    day = run["start_date"][:10]
    both = await get(fleet_client, person, "/calendar", view="week", day=day, deployment="*")
    placed = [e for d in both["days"] for e in d["entries"] if e.get("run_id") == run_id]
    # The same Airflow under two ids: its run once per deployment, each naming its own.
    assert sorted(e["deployment"] for e in placed) == ["main", "mirror"]
    assert [u["deployment"] for u in both["unavailable"]] == ["down"]
    assert "down" in both["unavailable"][0]["message"].lower()
    one = await get(fleet_client, person, "/calendar", view="week", day=day, deployment="mirror")
    assert [
        e["deployment"] for d in one["days"] for e in d["entries"] if e.get("run_id") == run_id
    ] == ["mirror"]
    assert one["unavailable"] == []
    for both_day, one_day in zip(both["days"], one["days"], strict=True):
        assert sum(both_day["counts"].values()) == len(both_day["entries"])
        assert len(both_day["entries"]) == 2 * len(one_day["entries"])

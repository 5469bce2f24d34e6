"""How Airdeck shields Airflow, against the real Airflow 3 with every call it receives counted
through a proxy: the DAG list's call budget, warm structures, single-flight reads, the bound on
calls in flight, stale answers while Airflow is slow, and invalidation on a mark."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from litestar import Litestar

from airdeck_api.staleness import STALE_HEADER
from tests.support.airflow_runs import client as airflow_client
from tests.support.airflow_runs import ensure_run, run_path
from tests.support.counting_proxy import CountingProxy
from tests.support.people import Person
from tests.support.served_api import Served, until

pytestmark = pytest.mark.integration

Client = httpx.AsyncClient
PREFIX = "/api/orchestrator"
MARK_RUN_ID = "manual__airdeck_shield_mark"
MAPPED_RUN_ID = "manual__mapped+airdeck:120"


def path(*parts: str) -> str:
    return PREFIX + "".join("/" + quote(p, safe="") for p in parts)


class ShapedProxy(CountingProxy):
    """A counting proxy that also records the most requests it held at once, and can make
    Airflow slow: while ``gate`` is closed, requests wait before they are forwarded."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.gate = threading.Event()
        self.gate.set()
        self.delay = 0.0
        self.in_flight = 0
        self.peak = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            if not self.gate.is_set():
                await asyncio.get_running_loop().run_in_executor(None, self.gate.wait)
            if self.delay:
                await asyncio.sleep(self.delay)
            await super().__call__(scope, receive, send)
        finally:
            with self._lock:
                self.in_flight -= 1

    def api_calls(self) -> list[tuple[str, str]]:
        """The REST calls, and the one call of Airflow 3's UI API Airdeck makes (``/ui/dags``:
        DAGs with their latest run)."""
        return [c for c in self.calls() if c[1].startswith(("/api/v2/", "/ui/"))]

    def calls_to(self, method: str, route: str) -> int:
        """How many forwarded calls had this method and path (query ignored)."""
        return sum(1 for m, p in self.api_calls() if m == method and p.split("?")[0] == route)


@pytest.fixture
def proxy(airflow: Any) -> Iterator[ShapedProxy]:
    shaped = ShapedProxy(airflow.url)
    shaped.start()
    yield shaped
    shaped.gate.set()
    shaped.close()


@pytest.fixture
def counted_app(
    make_app: Callable[..., Litestar], proxy: ShapedProxy, person: Person
) -> Callable[..., Served]:
    """A fresh API (empty in-process cache) whose Airflow calls go through ``proxy``, used by
    this test's person."""

    def build(**overrides: str) -> Served:
        return Served(make_app(AIRDECK_AIRFLOW_URL=proxy.url, **overrides), person.headers)

    return build


@pytest.fixture
async def counted(counted_app: Callable[..., Served]) -> AsyncIterator[Client]:
    async with counted_app() as served:
        yield served.client


async def with_token(test_client: Client, proxy: ShapedProxy) -> None:
    """Make the API sign in to Airflow now (through a cold read), then forget the calls."""
    response = await test_client.get(path("dags", "etl_pipeline", "runs"), params={"limit": 1})
    assert response.status_code == 200, response.text
    proxy.reset()


async def test_a_dag_list_page_costs_at_most_two_airflow_calls(
    counted: Client, proxy: ShapedProxy, airflow: Any
) -> None:
    response = await counted.get(path("dags"), params={"limit": 100})
    assert response.status_code == 200, response.text
    dags = response.json()["dags"]
    assert len(dags) > 5
    assert len(proxy.api_calls()) <= 2, proxy.api_calls()
    assert proxy.calls_to("GET", "/api/v2/dags") == 1
    assert proxy.calls_to("GET", "/ui/dags") == 1
    # The batched last runs are each DAG's newest run, as Airflow orders them.
    direct = airflow_client(airflow)
    for dag in dags[:8]:
        newest = direct.get(
            f"/dags/{quote(dag['dag_id'], safe='')}/dagRuns",
            params={"order_by": "-run_after", "limit": 1},
        ).json()["dag_runs"]
        expected = newest[0]["dag_run_id"] if newest else None
        assert (dag["last_run"] or {}).get("run_id") == expected, dag["dag_id"]

    proxy.reset()
    again = await counted.get(path("dags"), params={"limit": 100})
    assert again.status_code == 200
    assert again.json()["dags"] == dags
    assert proxy.api_calls() == [], "a warm page costs Airflow nothing"

    smaller = await counted.get(path("dags"), params={"limit": 7, "page": 2, "sort": "-dag_id"})
    assert smaller.status_code == 200
    assert len(proxy.api_calls()) <= 2


async def test_favorites_are_applied_after_the_shared_cache(
    counted: Client, proxy: ShapedProxy
) -> None:
    starred = await counted.post(path("dags", "etl_pipeline", "favorite"))
    assert starred.status_code in (200, 201, 204), starred.text
    try:
        favorites = await counted.get(path("dags"), params={"favorites": "true", "limit": 100})
        assert favorites.status_code == 200
        assert [d["dag_id"] for d in favorites.json()["dags"]] == ["etl_pipeline"]
        proxy.reset()
        everything = await counted.get(path("dags"), params={"limit": 100})
        flags = {d["dag_id"]: d["is_favorite"] for d in everything.json()["dags"]}
        assert flags["etl_pipeline"] is True and not flags["slow_logger"]
        assert len(proxy.api_calls()) <= 2, proxy.api_calls()
        proxy.reset()
    finally:
        await counted.delete(path("dags", "etl_pipeline", "favorite"))
    proxy.reset()
    unstarred = await counted.get(path("dags"), params={"limit": 100})
    assert {d["dag_id"]: d["is_favorite"] for d in unstarred.json()["dags"]}[
        "etl_pipeline"
    ] is False
    assert proxy.api_calls() == [], "favorites are applied after the cache, never stored in it"


async def test_a_warm_structure_costs_airflow_nothing(counted: Client, proxy: ShapedProxy) -> None:
    cold = await counted.get(path("dags", "grouped_pipeline", "structure"))
    assert cold.status_code == 200, cold.text
    assert proxy.calls_to("GET", "/api/v2/dags/grouped_pipeline/details") == 1
    assert proxy.calls_to("GET", "/api/v2/dags/grouped_pipeline/tasks") == 1
    proxy.reset()
    for _ in range(5):
        warm = await counted.get(path("dags", "grouped_pipeline", "structure"))
        assert warm.json() == cold.json()
    assert proxy.api_calls() == []


async def test_concurrent_cold_reads_make_one_airflow_call(
    counted: Client, proxy: ShapedProxy
) -> None:
    await with_token(counted, proxy)
    # Hold Airflow until every request is waiting, so they all meet the same cold keys.
    proxy.gate.clear()
    structures = [counted.get(path("dags", "etl_pipeline", "structure")) for _ in range(20)]
    healths = [counted.get(path("health")) for _ in range(20)]
    lists = [counted.get(path("dags"), params={"limit": 10}) for _ in range(20)]
    pending = asyncio.gather(*structures, *healths, *lists)
    await until(lambda: proxy.in_flight >= 3, "the first calls of each route reach Airflow")
    proxy.gate.set()
    responses = await pending
    assert [r.status_code for r in responses] == [200] * 60
    assert len({r.text for r in responses[:20]}) == 1
    assert proxy.calls_to("GET", "/api/v2/dags/etl_pipeline/details") == 1
    assert proxy.calls_to("GET", "/api/v2/dags/etl_pipeline/tasks") == 1
    assert proxy.calls_to("GET", "/api/v2/monitor/health") == 1
    assert proxy.calls_to("GET", "/api/v2/dags") == 1
    assert proxy.calls_to("GET", "/ui/dags") == 1


async def test_airflow_calls_in_flight_are_bounded(
    counted_app: Callable[..., Served], proxy: ShapedProxy
) -> None:
    proxy.delay = 0.2
    async with counted_app(AIRDECK_AIRFLOW_MAX_IN_FLIGHT="2") as served:
        limited = served.client
        await limited.get(path("dags", "etl_pipeline", "runs"))  # the token, out of the way
        proxy.reset()
        responses = await asyncio.gather(
            *(
                limited.get(path("dags", dag_id, "runs"), params={"page": page, "limit": 1})
                for dag_id in ("etl_pipeline", "mapped_fanout", "grouped_pipeline")
                for page in range(1, 5)
            )
        )
    assert [r.status_code for r in responses] == [200] * 12
    assert len(proxy.api_calls()) == 12
    assert proxy.peak <= 2, f"{proxy.peak} Airflow calls were in flight at once"


async def test_slow_airflow_gets_no_more_calls_and_answers_are_marked_stale(
    counted_app: Callable[..., Served], proxy: ShapedProxy
) -> None:
    async with counted_app(AIRDECK_AIRFLOW_SOFT_TIMEOUT="0.3") as served:
        counted = served.client
        fresh_list = await counted.get(path("dags"), params={"limit": 10})
        fresh_structure = await counted.get(path("dags", "etl_pipeline", "structure"))
        assert STALE_HEADER not in fresh_list.headers
        assert STALE_HEADER not in fresh_structure.headers
        # A minute and a half later every list entry and DAG detail has expired...
        cache = served.cache
        cache.clock = lambda: time.time() + 90
        # ...and Airflow has become slow.
        proxy.reset()
        proxy.gate.clear()
        for _ in range(3):
            stale_list = await counted.get(path("dags"), params={"limit": 10})
            assert stale_list.status_code == 200
            assert stale_list.json() == fresh_list.json()
            assert int(stale_list.headers[STALE_HEADER]) >= 1
            stale_structure = await counted.get(path("dags", "etl_pipeline", "structure"))
            assert stale_structure.status_code == 200
            assert stale_structure.json() == fresh_structure.json()
            assert STALE_HEADER in stale_structure.headers
        # One reload per expired key waits on Airflow, however many requests came.
        await until(lambda: proxy.in_flight >= 3, "the reloads reach Airflow")
        assert proxy.in_flight == 3
        proxy.gate.set()
        # Once Airflow answers, the reloads land and answers are fresh again.
        await until(lambda: proxy.in_flight == 0, "the reloads are answered")
        assert sorted(p.split("?")[0] for _, p in proxy.api_calls()) == [
            "/api/v2/dags",
            "/api/v2/dags/etl_pipeline/details",
            "/ui/dags",
        ]
        # Up to 5 s, at most 50 of the person's 100 reads a minute.
        for _ in range(50):
            recovered = await counted.get(path("dags"), params={"limit": 10})
            if STALE_HEADER not in recovered.headers:
                break
            await asyncio.sleep(0.1)
        assert STALE_HEADER not in recovered.headers


@pytest.fixture(scope="module")
def finished_run(airflow: Any) -> str:
    ensure_run(airflow, "etl_pipeline", MARK_RUN_ID, {})
    return MARK_RUN_ID


async def test_a_mark_is_visible_on_the_very_next_read(
    counted: Client, finished_run: str, airflow: Any
) -> None:
    tasks_url = path("dags", "etl_pipeline", "runs", finished_run, "tasks")
    before = await counted.get(tasks_url)
    assert before.status_code == 200, before.text
    state = {t["task_id"]: t["state"] for t in before.json()["tasks"]}["publish"]
    target = "failed" if state == "success" else "success"
    again = await counted.get(tasks_url)
    assert again.json() == before.json(), "a finished run's tasks are served from the cache"
    marked = await counted.post(
        path("dags", "etl_pipeline", "runs", finished_run, "tasks", "publish", "state"),
        json={"state": target},
    )
    assert marked.status_code in (200, 201), marked.text
    after = await counted.get(tasks_url)
    assert {t["task_id"]: t["state"] for t in after.json()["tasks"]}["publish"] == target
    graph = await counted.get(path("dags", "etl_pipeline", "runs", finished_run, "graph"))
    assert {n["id"]: n.get("state") for n in graph.json()["nodes"]}["publish"] == target
    run = airflow_client(airflow).get(run_path("etl_pipeline", finished_run)).json()
    shown = await counted.get(path("dags", "etl_pipeline", "runs", finished_run))
    assert shown.json()["run"]["state"] == run["state"]


async def test_runs_and_mapped_pages_are_read_once_for_every_reader(
    counted: Client, proxy: ShapedProxy, finished_run: str, airflow: Any
) -> None:
    ensure_run(airflow, "mapped_fanout", MAPPED_RUN_ID, {})
    await with_token(counted, proxy)
    runs_url = path("dags", "etl_pipeline", "runs")
    mapped_url = path("dags", "mapped_fanout", "runs", MAPPED_RUN_ID, "tasks", "process", "mapped")
    runs = [await counted.get(runs_url, params={"limit": 5}) for _ in range(10)]
    mapped = [await counted.get(mapped_url, params={"limit": 7}) for _ in range(10)]
    assert {r.status_code for r in runs + mapped} == {200}
    assert len({r.text for r in runs}) == 1 and len({r.text for r in mapped}) == 1
    assert len(mapped[0].json()["instances"]) == 7
    assert proxy.calls_to("GET", "/api/v2/dags/etl_pipeline/dagRuns") == 1
    listed = [p for _, p in proxy.api_calls() if p.split("?")[0].endswith("/process/listMapped")]
    assert len(listed) == 1, proxy.api_calls()


async def test_a_pause_is_visible_on_the_very_next_list(counted: Client) -> None:
    def paused(response: httpx.Response) -> bool:
        dags = {d["dag_id"]: d for d in response.json()["dags"]}
        return bool(dags["leaky_logger"]["is_paused"])

    listed = await counted.get(path("dags"), params={"limit": 100})
    was = paused(listed)
    try:
        flipped = await counted.patch(
            path("dags", "leaky_logger", "pause"), json={"is_paused": not was}
        )
        assert flipped.status_code == 200, flipped.text
        assert paused(await counted.get(path("dags"), params={"limit": 100})) is (not was)
        detail = await counted.get(path("dags", "leaky_logger"))
        assert detail.json()["dag"]["is_paused"] is (not was)
    finally:
        await counted.patch(path("dags", "leaky_logger", "pause"), json={"is_paused": was})

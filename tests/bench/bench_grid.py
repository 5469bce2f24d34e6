"""The cross-run grid's figures, printed as a table (issue 13: "grid with 1,000 tasks by 25 runs:
first paint < 2 s in Chromium").

Run through ``make bench`` (dev/bench.sh), or from the repository root with the Airflow login in
``AIRDECK_AIRFLOW_URL``, ``AIRDECK_AIRFLOW_USERNAME`` and ``AIRDECK_AIRFLOW_PASSWORD`` (as
``dev/airflow/env.sh`` sets them): ``python -m tests.bench.bench_grid``. It measures
- the domain: computing and encoding a grid of 1,000 tasks (20 groups of 50) by 25 runs;
- the API: ``GET /dags/{dag}/grid`` cold (the cache emptied before each request) and warm, vs
  the same Airflow calls made directly, and the Airflow calls a cold and a warm grid make
  (counted by a proxy);
- the web, in one Debian Chromium: a synthetic grid of 1,000 tasks by 25 runs (a proxy in front
  of the API answers every grid request with it; everything else is the real API's) from the
  click on the Grid tab to its first rows on screen, how many rows the page holds, and from a
  scroll to the end to the last row on screen.

Knobs: AIRDECK_BENCH_GRID_DAG (bench_wide_1000, the bench Airflow's 1,000-task DAG) and
AIRDECK_BENCH_GRID_RUNS (25): that DAG is given that many runs first (only the missing ones are
triggered); AIRDECK_BENCH_ROUNDS (5) samples each; AIRDECK_BENCH_GRID_REDIS_URL and
AIRDECK_BENCH_GRID_COUNTED_REDIS_URL (Redis databases 11 and 12, emptied).
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
import msgspec
from playwright.sync_api import Page, sync_playwright

from airdeck_domain.caching import DAG_VERSION_TTL, RUNS_PAGE_TTL
from airdeck_domain.grid import Grid, grid
from airdeck_domain.models import DagRun, Task, TaskInstance
from tests.bench.bench_api import (
    PASSWORD,
    PREFIX,
    USER,
    Api,
    batched_instances,
    bench_airflow,
    flush,
    running_api,
    verdict,
)
from tests.bench.load import Latency, sample
from tests.bench.ui_first_rows import running_web
from tests.conftest import AirflowLogin
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.support.airflow_auth import ServiceAccount
from tests.support.airflow_runs import trigger_run
from tests.support.counting_proxy import CountingProxy

DAG_ID = os.environ.get("AIRDECK_BENCH_GRID_DAG", "bench_wide_1000")
RUNS = int(os.environ.get("AIRDECK_BENCH_GRID_RUNS", "25"))
ROUNDS = int(os.environ.get("AIRDECK_BENCH_ROUNDS", "5"))
REDIS_URL = os.environ.get("AIRDECK_BENCH_GRID_REDIS_URL", "redis://127.0.0.1:6379/11")
COUNTED_REDIS_URL = os.environ.get(
    "AIRDECK_BENCH_GRID_COUNTED_REDIS_URL", "redis://127.0.0.1:6379/12"
)
GROUPS, PER_GROUP, SYNTHETIC_RUNS = 20, 50, 25
PAINT_TARGET_MS = 2000
PAGE = 100  # Airflow's largest page
ROW = "#dag-grid .grid-row[data-row]"
SHOWN_TAB = "#grid-tab"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


# -- a synthetic grid ---------------------------------------------------------------------------


def synthetic() -> tuple[list[Task], list[DagRun], dict[str, list[TaskInstance]]]:
    """A DAG shaped like bench_wide_1000 (20 groups of 50 tasks, each task after its namesake
    in the group before) with 25 runs: mostly successes, some failures and what follows them,
    the newest run still going."""
    rng = random.Random(13)
    ids = [[f"stage_{g:02d}.step_{t:02d}" for t in range(PER_GROUP)] for g in range(GROUPS)]
    tasks = [
        Task(
            task_id=ids[g][t],
            label=ids[g][t],
            operator="EmptyOperator",
            downstream_task_ids=[ids[g + 1][t]] if g + 1 < GROUPS else [],
        )
        for g in range(GROUPS)
        for t in range(PER_GROUP)
    ]
    runs, instances = [], {}
    for n in range(SYNTHETIC_RUNS):
        run_id = f"scheduled__synthetic{n:02d}"
        live = n == SYNTHETIC_RUNS - 1
        failing = rng.random() < 0.2
        runs.append(
            DagRun(
                run_id=run_id,
                dag_id="synthetic",
                state="running" if live else ("failed" if failing else "success"),
                run_after=T0 + timedelta(hours=n),
            )
        )
        states = []
        for task in tasks:
            state = "success"
            if live:
                state = rng.choice(["success", "running", "queued", "scheduled"])
            elif failing and rng.random() < 0.01:
                state = rng.choice(["failed", "upstream_failed", "skipped"])
            states.append(TaskInstance(task_id=task.task_id, state=state))
        instances[run_id] = states
    return tasks, runs, instances


def median_ms(call: Callable[[], object], rounds: int = 7) -> float:
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        call()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


# -- the API ----------------------------------------------------------------------------------


def ensure_runs(login: AirflowLogin, airflow: httpx.Client, dag_id: str, wanted: int) -> int:
    """Give ``dag_id`` (once Airflow has parsed it) at least ``wanted`` runs, triggering only
    the missing ones, and wait until none is queued or running; how many runs it has."""
    dag = f"/api/v2/dags/{quote(dag_id, safe='')}"
    runs = f"{dag}/dagRuns"
    deadline = time.monotonic() + 900
    while airflow.get(dag).status_code == 404:  # not parsed yet
        if time.monotonic() > deadline:
            raise SystemExit(f"Airflow has no DAG {dag_id} after 15 minutes")
        time.sleep(3)
    total = int(airflow.get(runs, params={"limit": 1}).json()["total_entries"])
    for _ in range(max(0, wanted - total)):
        trigger_run(login, dag_id)
    deadline = time.monotonic() + 1800
    while time.monotonic() < deadline:
        busy = airflow.get(runs, params=[("limit", 1), ("state", "queued"), ("state", "running")])
        if busy.json()["total_entries"] == 0:
            return max(total, wanted)
        time.sleep(5)
    raise SystemExit(f"{dag_id}'s runs did not finish within 30 minutes")


@dataclass(frozen=True)
class ApiFigures:
    tasks: int
    runs: int
    instances: int
    cold: Latency
    direct: Latency
    warm: Latency
    cold_calls: int
    warm_calls: list[tuple[str, str]]


async def direct_calls(airflow: httpx.AsyncClient, dag_id: str, run_ids: list[str]) -> bool:
    """What a cold grid asks Airflow, made directly and as concurrently as Airdeck makes it:
    the runs page beside the DAG's version then its tasks, then the batched instances."""
    dag = quote(dag_id, safe="")

    async def tasks() -> list[httpx.Response]:
        detail = await airflow.get(f"/api/v2/dags/{dag}/details")
        return [detail, await airflow.get(f"/api/v2/dags/{dag}/tasks")]

    listed, (detail, listed_tasks) = await asyncio.gather(
        airflow.get(
            f"/api/v2/dags/{dag}/dagRuns",
            params={"limit": len(run_ids), "offset": 0, "order_by": "-run_after"},
        ),
        tasks(),
    )
    answers = [listed, detail, listed_tasks, *await batched_instances(airflow, dag_id, run_ids)]
    return all(a.is_success for a in answers)


def api_figures(login: AirflowLogin, account: ServiceAccount, runs: int) -> ApiFigures:
    path = f"{PREFIX}/dags/{quote(DAG_ID, safe='')}/grid"
    flush(REDIS_URL)
    with running_api(login, REDIS_URL) as api:
        answer = httpx.get(api.base + path, params={"runs": runs}, headers=api.headers, timeout=300)
        answer.raise_for_status()
        shown = msgspec.json.decode(answer.content, type=Grid)
        run_ids = [run.run_id for run in shown.runs]
        instances = sum(
            (cell.map_count or 1)
            for row in shown.rows
            if row.kind == "task"
            for cell in row.cells
            if cell is not None
        )

        async def measure() -> tuple[Latency, Latency, Latency]:
            headers = {"Authorization": f"Bearer {account.fresh_token()}"}
            async with (
                httpx.AsyncClient(base_url=api.base, headers=api.headers, timeout=300) as ours,
                httpx.AsyncClient(base_url=login.url, headers=headers, timeout=300) as theirs,
            ):

                async def mine() -> bool:
                    return (await ours.get(path, params={"runs": runs})).is_success

                async def empty_cache() -> None:
                    await asyncio.to_thread(flush, REDIS_URL)

                cold = await sample(mine, ROUNDS, before=empty_cache)
                direct = await sample(lambda: direct_calls(theirs, DAG_ID, run_ids), ROUNDS)
                await mine()
                warm = await sample(mine, ROUNDS * 4)
                return cold, direct, warm

        cold, direct, warm = asyncio.run(measure())
    cold_calls, warm_calls = counted_calls(login, path, runs)
    return ApiFigures(
        tasks=sum(1 for row in shown.rows if row.kind == "task"),
        runs=len(run_ids),
        instances=instances,
        cold=cold,
        direct=direct,
        warm=warm,
        cold_calls=cold_calls,
        warm_calls=warm_calls,
    )


def counted_calls(login: AirflowLogin, path: str, runs: int) -> tuple[int, list[tuple[str, str]]]:
    """How many Airflow calls a cold grid makes, then which ones the same grid makes warm."""
    flush(COUNTED_REDIS_URL)
    proxy = CountingProxy(login.url)
    proxy.start()
    try:
        with running_api(login, COUNTED_REDIS_URL, airflow_url=proxy.url) as api:
            found = []
            for _ in range(2):
                proxy.reset()
                httpx.get(
                    api.base + path, params={"runs": runs}, headers=api.headers, timeout=300
                ).raise_for_status()
                found.append(proxy.api_calls())
    finally:
        proxy.close()
    return len(found[0]), found[1]


# -- the web ----------------------------------------------------------------------------------


class SyntheticGrid(CountingProxy):
    """A proxy in front of the API that answers every DAG's grid with ``body`` instead."""

    def __init__(self, target: str, body: bytes) -> None:
        super().__init__(target)
        self.body = body

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"].endswith("/grid"):
            while (await receive()).get("more_body"):
                pass
            headers = [(b"content-type", b"application/json")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": self.body})
            return
        await super().__call__(scope, receive, send)


@dataclass(frozen=True)
class Paint:
    tab_shown: list[float]
    """From the click to the Grid tab shown (the server has taken the click), ms."""
    first_rows: list[float]
    drawn: int
    rows: int
    to_the_end: float


def sign_in(page: Page, web: str) -> None:
    page.goto(web + "/")
    page.fill("#username", USER)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url("**/workflows")


def paint(api: Api, body: bytes, shown: Grid) -> Paint:
    """Open the Grid tab of a DAG page whose grid is ``body``, in a fresh session each time."""
    proxy = SyntheticGrid(api.base, body)
    proxy.start()
    last_row = shown.rows[-1].id
    samples, tab_shown = [], []
    try:
        with running_web(proxy.url) as web, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for _ in range(ROUNDS):
                    context = browser.new_context(viewport={"width": 1440, "height": 900})
                    page = context.new_page()
                    page.set_default_timeout(120_000)
                    sign_in(page, web)
                    page.goto(f"{web}/workflows/{quote(DAG_ID, safe='')}")
                    tab = page.get_by_role("tab", name="Grid")
                    tab.wait_for()
                    t0 = time.perf_counter()
                    tab.click()
                    page.wait_for_selector(SHOWN_TAB)
                    tab_shown.append((time.perf_counter() - t0) * 1000)
                    page.wait_for_selector(ROW, state="visible")
                    samples.append((time.perf_counter() - t0) * 1000)
                    drawn = page.locator(ROW).count()
                    t0 = time.perf_counter()
                    page.eval_on_selector("#dag-grid", "el => { el.scrollTop = el.scrollHeight; }")
                    page.wait_for_selector(f"{ROW}[data-row='{last_row}']", state="visible")
                    to_the_end = (time.perf_counter() - t0) * 1000
                    context.close()
            finally:
                browser.close()
    finally:
        proxy.close()
    return Paint(tab_shown, samples, drawn, len(shown.rows), to_the_end)


# -- the report -------------------------------------------------------------------------------


def main() -> int:
    login, account, airflow = bench_airflow()

    tasks, runs, instances = synthetic()
    built = grid("synthetic", tasks, runs, instances)
    body = msgspec.json.encode(built)
    compute = median_ms(lambda: grid("synthetic", tasks, runs, instances))
    encode = median_ms(lambda: msgspec.json.encode(built))
    print(
        f"\nDomain: a grid of {len(tasks):,} tasks by {len(runs)} runs ({len(built.rows):,} rows)"
    )
    print(f"  computed in {compute:.0f} ms, encoded in {encode:.0f} ms ({len(body) / 1e6:.1f} MB)")

    total = ensure_runs(login, airflow, DAG_ID, RUNS)
    figures = api_figures(login, account, min(RUNS, total))
    print(
        f"\nAPI: GET /dags/{DAG_ID}/grid?runs={figures.runs}: {figures.tasks:,} tasks, "
        f"{figures.instances:,} instances; {ROUNDS} cold and {ROUNDS * 4} warm requests"
    )
    print(f"{'':28} {'p50':>9} {'p95':>9}")
    for name, latency in (
        ("Airdeck cold (cache emptied)", figures.cold),
        ("same Airflow calls, direct", figures.direct),
        ("Airdeck warm", figures.warm),
    ):
        print(f"{name:28} {latency.p50:7.1f}ms {latency.p95:7.1f}ms  failed {latency.failed}")
    cold_ratio = figures.cold.p50 / figures.direct.p50
    warm_ratio = figures.direct.p50 / figures.warm.p50
    print(f"  cold / direct: {cold_ratio:.2f}x; warm is {warm_ratio:.1f}x faster than direct")
    print(f"  Airflow calls: {figures.cold_calls} cold, {len(figures.warm_calls)} warm")
    for method, called in figures.warm_calls:
        print(f"    warm: {method} {called.partition('?')[0]}")
    reread = [c for c in figures.warm_calls if "/taskInstances" in c[1]]

    with running_api(login, REDIS_URL) as api:
        shown = paint(api, body, built)
    first = statistics.median(shown.first_rows)
    print(f"\nWeb: the Grid tab of {len(tasks):,} tasks by {len(runs)} runs in Chromium")
    print(f"  click → first rows on screen: median {first:.0f} ms of {ROUNDS} fresh sessions")
    print(f"    of which click → the tab shown: median {statistics.median(shown.tab_shown):.0f} ms")
    print(f"  rows in the page: {shown.drawn} of {shown.rows:,}")
    print(f"  scroll to the end → last row on screen: {shown.to_the_end:.0f} ms")
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.1f}")
    print("\nTargets")
    print(
        f"  grid with 1,000 tasks by 25 runs, first paint < {PAINT_TARGET_MS / 1000:g} s: "
        f"{first:.0f} ms  {verdict(first < PAINT_TARGET_MS)}"
    )
    print(
        f"  a warm grid reads no finished run's instances again: {len(reread)} such calls  "
        f"{verdict(not reread)}"
    )
    print(
        f"  (the runs page and the DAG's version stay fresh {RUNS_PAGE_TTL:g} s and "
        f"{DAG_VERSION_TTL:g} s: a warm request after a cold one that took longer reads them "
        "again, one call each)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

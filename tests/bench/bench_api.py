"""Airdeck side by side with direct Airflow calls, measured in one run and printed as a table.

Run through ``make bench`` (dev/bench.sh), which starts the bench Airflow (PostgreSQL, the
example DAGs plus dev/bench/dags: 500 DAGs, a 1,000-task DAG, a 2,100-instance mapped task, a
DAG of 1,000 daily runs) and sources its settings; then: ``python -m tests.bench.bench_api``
from the repository root.

It starts the API as real processes on loopback (local sign-in, the shared cache in Redis) and
measures, for each read route:
- throughput and p50/p95 at 16 connections (wrk), Airdeck warm vs the route's main Airflow call;
- cold latency: the cache emptied before each Airdeck request, vs the same Airflow calls made
  directly (as concurrently as Airdeck makes them);
then the Airflow calls made for 1,000 requests of a dashboard mix (a second API process whose
Airflow traffic goes through a counting proxy), the API's memory, and the time to the first rows
of the DAG list and of a mapped run's graph in Airdeck's UI vs Airflow's own, in one Chromium.

Airdeck's rate limits are lifted for the measurement (it says so when it runs): they would turn
load into 429s, which is what they are for, not what is measured here.
Knobs: AIRDECK_BENCH_SECONDS (5) per wrk run, AIRDECK_BENCH_ROUNDS (5) cold samples per route,
AIRDECK_BENCH_REDIS_URL / AIRDECK_BENCH_COUNTED_REDIS_URL (Redis databases 13 and 14, emptied).
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import redis

from airdeck_adapters.airflow.client import BATCH_PAGE_LIMIT
from airdeck_adapters.db import migrate
from tests.bench.load import Latency, Throughput, sample, wrk
from tests.bench.ui_first_rows import FirstRows, first_rows
from tests.conftest import AirflowLogin
from tests.support.airflow_auth import ServiceAccount
from tests.support.airflow_runs import get_run, run_path, trigger_run
from tests.support.counting_proxy import CountingProxy
from tests.support.ports import free_port

SECONDS = float(os.environ.get("AIRDECK_BENCH_SECONDS", "5"))
COLD_ROUNDS = int(os.environ.get("AIRDECK_BENCH_ROUNDS", "5"))
MIX_REQUESTS = 1000
REDIS_URL = os.environ.get("AIRDECK_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
COUNTED_REDIS_URL = os.environ.get("AIRDECK_BENCH_COUNTED_REDIS_URL", "redis://127.0.0.1:6379/14")
LIFTED = ",".join(f"{g}=1000000/second" for g in ("reads", "writes", "logs", "health"))
USER, PASSWORD = "bench", "bench-password"
PREFIX = "/api/orchestrator"

BENCH_DAGS = 503  # dev/bench/dags: 500 small ones, bench_wide_1000, _mapped_2100, _runs_1000
MAPPED_DAG, MAPPED_RUN, MAPPED_INSTANCES = "bench_mapped_2100", "bench__mapped_2100", 2100
WIDE_DAG = "bench_wide_1000"
PAGE = 100  # Airflow's largest page


@dataclass(frozen=True)
class Route:
    """An Airdeck read route and the Airflow calls it stands for: ``direct[0]`` is the main one
    (what wrk loads), the groups run one after another, the calls of a group concurrently."""

    name: str
    ours: str
    direct: list[list[Call]]


Call = str | tuple[str, dict[str, Any]]
"""An Airflow call made directly: a GET of a path, or a POST of a path with its JSON body."""
BATCH = "/api/v2/dags/~/dagRuns/~/taskInstances/list"


def instances_batch(dag_id: str, run_ids: list[str], offset: int = 0) -> Call:
    """The batched list of ``run_ids``' task instances, as Airdeck asks for it."""
    body = {
        "dag_ids": [dag_id],
        "dag_run_ids": run_ids,
        "page_offset": offset,
        "page_limit": BATCH_PAGE_LIMIT,
    }
    return (BATCH, body)


def enc(value: str) -> str:
    return quote(value, safe="")


def routes(run_id: str, total_instances: int, total_dags: int) -> list[Route]:
    mapped = f"/dags/{MAPPED_DAG}/runs/{enc(run_id)}"
    airflow_run = "/api/v2" + run_path(MAPPED_DAG, run_id)
    # One batch call holds all the run's instances (BATCH_PAGE_LIMIT is over 2,100).
    assert total_instances <= BATCH_PAGE_LIMIT
    tasks = f"/api/v2/dags/{MAPPED_DAG}/tasks"
    run_parts: list[list[Call]] = [[airflow_run], [instances_batch(MAPPED_DAG, [run_id]), tasks]]
    return [
        Route(
            f"DAG list (25 of {total_dags})",
            "/dags?limit=25",
            [["/api/v2/dags?limit=25&offset=0"]],
        ),
        Route(
            "DAG detail",
            "/dags/etl_pipeline",
            [
                [
                    "/api/v2/dags/etl_pipeline/details",
                    "/api/v2/dags/etl_pipeline/dagRuns?limit=1&order_by=-run_after",
                ]
            ],
        ),
        Route(
            "structure (1,000 tasks)",
            f"/dags/{WIDE_DAG}/structure",
            [[f"/api/v2/dags/{WIDE_DAG}/tasks", f"/api/v2/dags/{WIDE_DAG}/details"]],
        ),
        Route(
            "runs of a DAG",
            f"/dags/{MAPPED_DAG}/runs",
            [[f"/api/v2/dags/{MAPPED_DAG}/dagRuns?limit=20&offset=0&order_by=-run_after"]],
        ),
        Route("one run", mapped, [[airflow_run]]),
        Route("run tasks (2,100 mapped)", mapped + "/tasks", run_parts),
        Route("run graph (2,100 mapped)", mapped + "/graph", run_parts),
        Route("run snapshot", mapped + "/snapshot", run_parts),
        Route(
            "mapped instances (50)",
            mapped + "/tasks/item/mapped?limit=50",
            [[f"{airflow_run}/taskInstances/item/listMapped?limit=50&offset=0"]],
        ),
        Route("health", "/health", [["/api/v2/monitor/health"]]),
    ]


# -- the bench Airflow's data --------------------------------------------------------------


def wait_for_bench_dags(airflow: httpx.Client, timeout: float = 900) -> int:
    """Block until Airflow lists every generated DAG; the total number of DAGs."""
    deadline = time.monotonic() + timeout
    found = 0
    while time.monotonic() < deadline:
        page = airflow.get("/api/v2/dags", params={"limit": 1, "dag_id_pattern": "bench_"})
        found = page.json()["total_entries"] if page.is_success else 0
        if found >= BENCH_DAGS:
            return int(airflow.get("/api/v2/dags", params={"limit": 1}).json()["total_entries"])
        time.sleep(3)
    raise SystemExit(f"only {found} of {BENCH_DAGS} bench DAGs were parsed in {timeout:.0f} s")


def ensure_mapped_run(login: AirflowLogin, airflow: httpx.Client, timeout: float = 600) -> int:
    """A finished run of the mapped DAG with all its instances; their number. The run is
    triggered once and marked successful as soon as Airflow has expanded the mapped task
    (Airflow then sets the instances that had not run to skipped): running 2,100 instances
    would take the machine for many minutes and prove nothing about reading them."""
    path = "/api/v2" + run_path(MAPPED_DAG, MAPPED_RUN)
    if get_run(login, MAPPED_DAG, MAPPED_RUN) is None:
        trigger_run(login, MAPPED_DAG, run_id=MAPPED_RUN)
    deadline = time.monotonic() + timeout
    total = 0
    while time.monotonic() < deadline:
        total = airflow.get(path + "/taskInstances", params={"limit": 1}).json()["total_entries"]
        if total > MAPPED_INSTANCES:
            break
        time.sleep(2)
    else:
        raise SystemExit(f"{MAPPED_DAG} expanded to only {total} instances in {timeout:.0f} s")
    for _ in range(10):
        if airflow.get(path).json()["state"] == "success":
            break
        # The scheduler is busy queueing the run's instances: Airflow can answer 500 while
        # their updates collide with this one, and the next try goes through.
        if airflow.patch(path, json={"state": "success"}).status_code < 500:
            break
        time.sleep(3)
    else:
        raise SystemExit(f"Airflow refused to mark {MAPPED_RUN} successful ten times")
    airflow.patch(f"/api/v2/dags/{MAPPED_DAG}", json={"is_paused": True}).raise_for_status()
    return int(total)


# -- processes -------------------------------------------------------------------------------


def rss_mib(session_id: int) -> float:
    """Resident memory of every process in a session (the API and any workers), in MiB."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            pid = int(status.parent.name)
            if os.getsid(pid) != session_id:
                continue
            line = next(x for x in status.read_text().splitlines() if x.startswith("VmRSS"))
        except (OSError, StopIteration, ValueError):
            continue
        total += int(line.split()[1])
    return total / 1024


@dataclass
class Api:
    base: str
    process: subprocess.Popen[bytes]
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@contextmanager
def running_api(
    login: AirflowLogin, redis_url: str, airflow_url: str | None = None
) -> Iterator[Api]:
    """An API process (local sign-in, the cache in ``redis_url``, limits lifted) talking to
    Airflow at ``airflow_url`` (the bench Airflow itself by default)."""
    data = Path(tempfile.mkdtemp(prefix="airdeck-bench-"))
    database_url = f"sqlite+aiosqlite:///{data / 'airdeck.db'}"
    migrate.upgrade(database_url)
    port = free_port()
    env = {
        **os.environ,
        "AIRDECK_API_PORT": str(port),
        "AIRDECK_AUTH_MODE": "local",
        "AIRDECK_LOCAL_USERS": f"{USER}:{PASSWORD}:admin",
        "AIRDECK_DATA_DIR": str(data),
        "AIRDECK_DATABASE_URL": database_url,
        "AIRDECK_REDIS_URL": redis_url,
        "AIRDECK_RATE_LIMITS": LIFTED,
        "AIRDECK_AIRFLOW_URL": airflow_url or login.url,
        "AIRDECK_API_URL": f"http://127.0.0.1:{port}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "airdeck_api.cli", "serve"],
        env=env,
        stdout=(data / "api.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            if process.poll() is not None:
                raise SystemExit(f"the API exited:\n{(data / 'api.log').read_text()[-3000:]}")
            try:
                httpx.get(base + "/api/auth/jwks.json", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise SystemExit("the API did not start within 30 s")
        signed_in = httpx.post(
            base + "/api/auth/token", json={"username": USER, "password": PASSWORD}
        )
        signed_in.raise_for_status()
        yield Api(base=base, process=process, token=signed_in.json()["access_token"])
    finally:
        process.terminate()
        process.wait(15)


def flush(url: str) -> None:
    redis.Redis.from_url(url).flushdb()


async def empty_cache() -> None:
    """Empty the benchmarked API's cache (``REDIS_URL``), as before each cold sample."""
    await asyncio.to_thread(flush, REDIS_URL)


def bench_airflow() -> tuple[AirflowLogin, ServiceAccount, httpx.Client]:
    """The bench Airflow from ``make bench``'s settings, its service account and a client signed
    in as it; printed first: the machine, and that Airdeck's rate limits are lifted (every
    ``running_api`` lifts them)."""
    login = AirflowLogin(
        os.environ["AIRDECK_AIRFLOW_URL"],
        os.environ["AIRDECK_AIRFLOW_USERNAME"],
        os.environ["AIRDECK_AIRFLOW_PASSWORD"],
    )
    account = ServiceAccount(login.url, login.username, login.password)
    print("NOTE: Airdeck's rate limits are LIFTED for this benchmark (AIRDECK_RATE_LIMITS=")
    print(f"      {LIFTED}); shipped defaults would answer 429 under this load.")
    print(f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    return login, account, httpx.Client(base_url=login.url, auth=account, timeout=120)


def call(airflow: httpx.AsyncClient, made: Call) -> Awaitable[httpx.Response]:
    """One Airflow call made directly."""
    if isinstance(made, str):
        return airflow.get(made)
    return airflow.post(made[0], json=made[1])


def direct_reads(
    airflow: httpx.AsyncClient, groups: list[list[Call]]
) -> Callable[[], Awaitable[bool]]:
    """A reader of Airflow ``groups`` of calls made directly, one group after another and each
    group's calls concurrently (as Airdeck makes them); it says whether every answer was 2xx."""

    async def read() -> bool:
        try:
            for group in groups:
                answers = await asyncio.gather(*(call(airflow, made) for made in group))
                if not all(a.is_success for a in answers):
                    return False
        except httpx.HTTPError:
            return False
        return True

    return read


async def batched_instances(
    airflow: httpx.AsyncClient, dag_id: str, run_ids: list[str]
) -> list[httpx.Response]:
    """The task instances of ``run_ids`` through Airflow's batched list, as Airdeck reads them:
    one call for up to ``BATCH_PAGE_LIMIT`` of them, any rest concurrently."""
    first = await call(airflow, instances_batch(dag_id, run_ids))
    if not first.is_success:
        return [first]
    offsets = range(BATCH_PAGE_LIMIT, first.json()["total_entries"], BATCH_PAGE_LIMIT)
    rest = await asyncio.gather(
        *(call(airflow, instances_batch(dag_id, run_ids, offset)) for offset in offsets)
    )
    return [first, *rest]


# -- measurements ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    route: Route
    ours: Throughput
    theirs: Throughput
    cold: Latency
    direct: Latency


async def cold_pair(api: Api, airflow: httpx.AsyncClient, route: Route) -> tuple[Latency, Latency]:
    ours = httpx.AsyncClient(base_url=api.base + PREFIX, headers=api.headers, timeout=120)

    async def mine() -> bool:
        try:
            return (await ours.get(route.ours)).is_success
        except httpx.HTTPError:
            return False

    theirs = direct_reads(airflow, route.direct)
    try:
        await mine()  # connections and the token's signing key, not the data, are warm
        await theirs()
        cold = await sample(mine, COLD_ROUNDS, before=empty_cache)
        direct = await sample(theirs, COLD_ROUNDS)
    finally:
        await ours.aclose()
    return cold, direct


def settle(airflow: httpx.Client, timeout: float = 300) -> None:
    """Wait until Airflow answers promptly again: it goes on working through requests queued
    by a load after the load stopped, and the next measurement must not pay for that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        t0 = time.perf_counter()
        try:
            answered = airflow.get("/api/v2/dags", params={"limit": 1}, timeout=5).is_success
        except httpx.HTTPError:
            answered = False
        if answered and time.perf_counter() - t0 < 1:
            return
        time.sleep(2)
    raise SystemExit(f"Airflow still struggles {timeout:.0f} s after the load stopped")


def measure(
    api: Api,
    login: AirflowLogin,
    airflow: httpx.Client,
    airflow_headers: dict[str, str],
    route: Route,
) -> Row:
    """Cold latency pair first (on a settled Airflow), then Airdeck warm, then Airflow loaded."""
    settle(airflow)

    async def cold() -> tuple[Latency, Latency]:
        async with httpx.AsyncClient(
            base_url=login.url, headers=airflow_headers, timeout=120
        ) as airflow:
            return await cold_pair(api, airflow, route)

    cold_latency, direct_latency = asyncio.run(cold())
    url = api.base + PREFIX + route.ours
    for _ in range(3):  # fill the cache (a cold read may time out on a busy Airflow)
        if httpx.get(url, headers=api.headers, timeout=120).is_success:
            break
    ours = wrk(url, api.headers, seconds=SECONDS)
    settle(airflow)
    theirs = wrk(login.url + route.direct[0][0], airflow_headers, seconds=SECONDS)
    return Row(route, ours, theirs, cold_latency, direct_latency)


def dashboard_mix(run_id: str, total_dags: int) -> list[str]:
    """1,000 requests as dashboards make them: the DAG list most, health, a watched run's
    snapshot, DAG pages (detail, structure, runs), a run's tasks. Fixed seed."""
    rng = random.Random(20)
    run = f"/dags/{MAPPED_DAG}/runs/{enc(run_id)}"
    dags = ["etl_pipeline", "grouped_pipeline", WIDE_DAG, "bench_many_007", "bench_many_123"]
    pages = max(1, min(3, total_dags // 25))
    choices: list[tuple[float, Callable[[], str]]] = [
        (0.30, lambda: f"/dags?limit=25&page={rng.randint(1, pages)}"),
        (0.10, lambda: "/health"),
        (0.20, lambda: run + "/snapshot"),
        (0.10, lambda: f"/dags/{rng.choice(dags)}"),
        (0.10, lambda: f"/dags/{rng.choice(dags)}/structure"),
        (0.10, lambda: f"/dags/{rng.choice(dags)}/runs"),
        (0.10, lambda: run + "/tasks"),
    ]
    weights = [w for w, _ in choices]
    return [rng.choices(choices, weights)[0][1]() for _ in range(MIX_REQUESTS)]


async def replay(api: Api, paths: list[str], workers: int = 16) -> Counter[int]:
    """Send ``paths`` with ``workers`` concurrent clients; the answers' status codes."""
    statuses: Counter[int] = Counter()
    queue = list(reversed(paths))
    async with httpx.AsyncClient(
        base_url=api.base + PREFIX, headers=api.headers, timeout=120
    ) as client:

        async def worker() -> None:
            while queue:
                statuses[(await client.get(queue.pop())).status_code] += 1

        await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(workers))), 600)
    return statuses


# -- report ----------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def print_table(rows: list[Row]) -> tuple[float, float]:
    """The throughput and cold-latency tables; the worst throughput ratio and cold ratio."""
    print(
        "\nThroughput, 16 connections, "
        f"{SECONDS:g} s each (wrk): Airdeck warm (cache filled) vs the route's main Airflow call"
    )
    print(
        f"{'route':28} {'airdeck req/s':>13} {'p50':>8} {'p95':>8} "
        f"{'airflow req/s':>13} {'p50':>8} {'p95':>8} {'x':>7} {'errors':>7}"
    )
    worst_x = float("inf")
    for row in rows:
        # Airflow finishing nothing in the window still counts as one request: a lower bound.
        their_rps = max(row.theirs.rps, 1 / SECONDS)
        x = row.ours.rps / their_rps
        worst_x = min(worst_x, x)
        print(
            f"{row.route.name:28} {row.ours.rps:13.0f} {row.ours.p50:6.1f}ms {row.ours.p95:6.1f}ms "
            f"{their_rps:13.1f} {row.theirs.p50:6.1f}ms {row.theirs.p95:6.1f}ms "
            f"{x:6.1f}x {row.ours.failed:>3}/{row.theirs.failed:<3}"
        )
    print(
        "  Airflow's side is one call (for a run's tasks, graph or snapshot: one page of 100 of\n"
        "  its instances), a lower bound on its cost for the same answer; errors: answers that\n"
        "  were not 2xx/3xx or broken sockets, Airdeck/Airflow."
    )
    print(
        f"\nCold latency, {COLD_ROUNDS} sequential requests each: Airdeck with its cache emptied "
        "before each request vs the same Airflow calls made directly"
    )
    print(
        f"{'route':28} {'calls':>5} {'airdeck p50':>11} {'p95':>8} "
        f"{'direct p50':>11} {'p95':>8} {'ratio':>7} {'failed':>7}"
    )
    worst_cold = 0.0
    for row in rows:
        ratio = row.cold.p50 / row.direct.p50
        worst_cold = max(worst_cold, ratio)
        calls = sum(len(g) for g in row.route.direct)
        print(
            f"{row.route.name:28} {calls:5d} {row.cold.p50:9.1f}ms {row.cold.p95:6.1f}ms "
            f"{row.direct.p50:9.1f}ms {row.direct.p95:6.1f}ms {ratio:6.2f}x "
            f"{row.cold.failed:>3}/{row.direct.failed:<3}"
        )
    return worst_x, worst_cold


def main() -> int:
    login, account, airflow = bench_airflow()
    total_dags = wait_for_bench_dags(airflow)
    instances = ensure_mapped_run(login, airflow)
    print(
        f"Airflow {login.url}: {total_dags} DAGs; {MAPPED_DAG} run {MAPPED_RUN} has "
        f"{instances} task instances; Airdeck caches in Redis ({REDIS_URL})"
    )
    flush(REDIS_URL)
    with running_api(login, REDIS_URL) as api:
        rows = [
            # wrk sends fixed headers: each route gets a token issued for it (they live minutes).
            measure(api, login, airflow, {"Authorization": f"Bearer {account.fresh_token()}"}, r)
            for r in routes(MAPPED_RUN, instances, total_dags)
        ]
        worst_x, worst_cold = print_table(rows)
        rss = rss_mib(api.process.pid)
        ui = first_rows(api.base, login, USER, PASSWORD, MAPPED_DAG, MAPPED_RUN)

    flush(COUNTED_REDIS_URL)
    proxy = CountingProxy(login.url)
    proxy.start()
    try:
        with running_api(login, COUNTED_REDIS_URL, airflow_url=proxy.url) as counted:
            proxy.reset()
            started = time.perf_counter()
            statuses = asyncio.run(replay(counted, dashboard_mix(MAPPED_RUN, total_dags)))
            mix_seconds = time.perf_counter() - started
            calls = proxy.counts()
    finally:
        proxy.close()
    n_calls = sum(calls.values())
    print(
        f"\nDashboard mix: {MIX_REQUESTS} requests (16 clients, cold cache at start) in "
        f"{mix_seconds:.1f} s, answers {dict(sorted(statuses.items()))}; "
        f"Airflow calls made: {n_calls}"
    )
    for (method, target), n in calls.most_common(8):
        print(f"    {n:4d}  {method} {target[:100]}")
    print(f"\nAPI RSS after the run (all its processes): {rss:.0f} MiB")
    print_ui(ui)
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.1f} (other work on the machine skews")
    print("every figure above; compare the columns of one run, not runs with each other)")
    print("\nTargets")
    print(
        f"  cached reads >= 20x Airflow's throughput: worst {worst_x:.1f}x  {verdict(worst_x >= 20)}"
    )
    print(
        f"  uncached <= 1.25x direct latency: worst {worst_cold:.2f}x  {verdict(worst_cold <= 1.25)}"
    )
    print(
        f"  <= 50 Airflow calls per 1,000 dashboard requests: {n_calls}  {verdict(n_calls <= 50)}"
    )
    faster = ui.airdeck_list < ui.airflow_list and ui.airdeck_graph < ui.airflow_graph
    print(f"  Airdeck's UI shows first rows sooner than Airflow's: {verdict(faster)}")
    return 0


def print_ui(ui: FirstRows) -> None:
    print("\nTime to first rows in Chromium (median of 3 page loads, signed in)")
    print(f"{'page':34} {'airdeck':>9} {'airflow UI':>11}")
    print(
        f"{'DAG list (' + str(ui.dags) + ' DAGs)':34} {ui.airdeck_list:7.0f}ms {ui.airflow_list:9.0f}ms"
    )
    print(
        f"{'mapped run graph (2,100 instances)':34} {ui.airdeck_graph:7.0f}ms {ui.airflow_graph:9.0f}ms"
    )


if __name__ == "__main__":
    sys.exit(main())

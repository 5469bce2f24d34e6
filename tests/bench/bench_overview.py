"""The DAG overview of a DAG with 1,000 runs (issue 13's targets: under 100 ms warm, under two
Airflow calls cold per page of runs), Airdeck beside the same Airflow calls made directly,
measured in one run and printed as a table.

Run through ``make bench`` (dev/bench.sh), or on its own from the repository root against any
Airflow 3 that has loaded dev/bench/dags/bench_runs_1000.py, with that Airflow's login in
``AIRDECK_AIRFLOW_URL``, ``AIRDECK_AIRFLOW_USERNAME`` and ``AIRDECK_AIRFLOW_PASSWORD`` (source
dev/airflow/env.sh with the Airflow's ``AIRDECK_AIRFLOW_PORT`` and ``AIRDECK_AIRFLOW_HOME``):
``python -m tests.bench.bench_overview``. Redis must answer on 127.0.0.1:6379.

The DAG is first given its 1,000 finished runs, once (they stay in that Airflow's database, so
later benchmarks skip this): the DAG is unpaused, one Airflow backfill over its 1,000 daily
intervals creates them all (catchup would create one per scheduler loop, some 20 minutes on a
busy 2-core machine), the scheduler finishes them without a worker (one EmptyOperator each), and
the DAG is paused again. Progress is printed while that goes on.

For ``GET /dags/bench_runs_1000/overview?runs=1000`` (all its runs), ``?runs=100`` and ``?runs=25``
it measures, with one API process (local sign-in, the cache in Redis, rate limits lifted):
- cold: the cache emptied before each request, vs the same Airflow calls made directly (the
  runs page, then the task instances of those runs in one batch list call, as Airdeck reads
  them);
- a later visit: the runs page read again (it is cached for a few seconds only), the finished
  runs' instances still cached, vs that runs page alone made directly;
- warm: everything cached, sequential requests;
- the Airflow calls each of those makes (a second API process behind a counting proxy).
Knobs: AIRDECK_BENCH_ROUNDS (5) cold and later-visit samples, AIRDECK_BENCH_WARM_ROUNDS (40) warm
ones; AIRDECK_BENCH_OVERVIEW_REDIS_URL and AIRDECK_BENCH_OVERVIEW_COUNTED_REDIS_URL (Redis
databases 9 and 10, emptied).
"""

from __future__ import annotations

import asyncio
import math
import os
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
import msgspec

from airdeck_domain.analytics import DagOverview
from airdeck_domain.caching import RUNS_PAGE_TTL
from tests.bench.bench_api import (
    PAGE,
    PREFIX,
    Api,
    batched_instances,
    bench_airflow,
    flush,
    running_api,
    verdict,
)
from tests.bench.load import Latency, sample
from tests.conftest import AirflowLogin
from tests.support.airflow_auth import ServiceAccount
from tests.support.counting_proxy import CountingProxy

DAG_ID = "bench_runs_1000"
RUNS = 1000
"""Finished runs the DAG is given (its file defines exactly as many daily intervals)."""
PAGES_OF_RUNS = (1000, 100, 25)
"""The ``runs`` asked for: every run of the DAG (Airdeck's largest overview, ten Airflow pages of
runs), one Airflow page of runs, the default."""
BACKFILL_AT_ONCE = 50
"""Runs of the backfill Airflow keeps going at once: the scheduler finishes an EmptyOperator
run within a few loops, so more at once only makes each loop longer."""
ROUNDS = int(os.environ.get("AIRDECK_BENCH_ROUNDS", "5"))
WARM_ROUNDS = int(os.environ.get("AIRDECK_BENCH_WARM_ROUNDS", "40"))
REDIS_URL = os.environ.get("AIRDECK_BENCH_OVERVIEW_REDIS_URL", "redis://127.0.0.1:6379/9")
COUNTED_REDIS_URL = os.environ.get(
    "AIRDECK_BENCH_OVERVIEW_COUNTED_REDIS_URL", "redis://127.0.0.1:6379/10"
)
WARM_TARGET_MS = 100.0
COLD_CALLS_TARGET = 2
"""Airflow calls per page of runs a cold overview must stay under."""
AIRFLOW_DAG = f"/api/v2/dags/{DAG_ID}"


# -- the DAG's runs ---------------------------------------------------------------------------


def run_count(airflow: httpx.Client, *states: str) -> int:
    """How many runs of the DAG are in one of ``states`` (all of them when none is given)."""
    answer = airflow.get(f"{AIRFLOW_DAG}/dagRuns", params={"limit": 1, "state": list(states)})
    answer.raise_for_status()
    return int(answer.json()["total_entries"])


def backfill_under_way(airflow: httpx.Client) -> bool:
    """Whether a backfill of the DAG has not completed yet (Airflow allows one at a time)."""
    answer = airflow.get("/api/v2/backfills", params={"dag_id": DAG_ID, "limit": 100})
    answer.raise_for_status()
    return any(b["completed_at"] is None for b in answer.json()["backfills"])


def ensure_runs(airflow: httpx.Client, timeout: float = 1800) -> int:
    """Give the DAG (once Airflow has parsed it) its ``RUNS`` finished runs, unless it has them:
    unpause it, backfill its intervals (the runs it already has are kept; failed ones run again),
    wait for every run to finish, pause it again. How many of its runs succeeded."""
    deadline = time.monotonic() + 900
    while airflow.get(AIRFLOW_DAG).status_code == 404:  # not parsed yet
        if time.monotonic() > deadline:
            raise SystemExit(f"Airflow has no DAG {DAG_ID} after 15 minutes")
        time.sleep(3)
    succeeded = run_count(airflow, "success")
    if succeeded >= RUNS:
        return succeeded
    print(f"Giving {DAG_ID} its {RUNS:,} runs (one backfill; once per Airflow database)")
    # Airflow leaves a paused DAG's backfill runs queued.
    airflow.patch(AIRFLOW_DAG, json={"is_paused": False}).raise_for_status()
    if not backfill_under_way(airflow):  # else an interrupted benchmark's backfill goes on
        details = airflow.get(f"{AIRFLOW_DAG}/details")
        details.raise_for_status()
        body = {
            "dag_id": DAG_ID,
            "from_date": details.json()["start_date"],
            "to_date": details.json()["end_date"],
            "max_active_runs": BACKFILL_AT_ONCE,
            "reprocess_behavior": "failed",
        }
        # Airflow creates every run of the backfill before it answers.
        airflow.post("/api/v2/backfills", json=body, timeout=600).raise_for_status()
    started = time.monotonic()
    deadline = started + timeout
    while True:
        finished = run_count(airflow, "success", "failed")
        busy = run_count(airflow, "queued", "running")
        print(
            f"  {finished:,} of {run_count(airflow):,} runs finished, {busy} queued or running "
            f"({time.monotonic() - started:.0f} s)",
            flush=True,
        )
        if not busy:  # Airflow created the backfill's runs before it answered
            break
        if time.monotonic() > deadline:
            raise SystemExit(f"{DAG_ID}'s runs did not finish within {timeout / 60:.0f} minutes")
        time.sleep(10)
    airflow.patch(AIRFLOW_DAG, json={"is_paused": True}).raise_for_status()
    succeeded = run_count(airflow, "success")
    if succeeded < RUNS:
        raise SystemExit(f"only {succeeded} of {DAG_ID}'s runs succeeded (of {RUNS:,} wanted)")
    return succeeded


# -- measurements -----------------------------------------------------------------------------


async def runs_page(airflow: httpx.AsyncClient, runs: int) -> list[str] | None:
    """The DAG's newest ``runs`` run ids, read as Airdeck reads them (None if Airflow failed):
    one page of the runs list, or past its cap of 100 the batch list in one call (ADR 0027)."""
    if runs > PAGE:
        body = {
            "dag_ids": [DAG_ID],
            "order_by": "-run_after",
            "page_offset": 0,
            "page_limit": runs,
        }
        answer = await airflow.post("/api/v2/dags/~/dagRuns/list", json=body)
    else:
        params = {"limit": runs, "offset": 0, "order_by": "-run_after"}
        answer = await airflow.get(f"{AIRFLOW_DAG}/dagRuns", params=params)
    if not answer.is_success:
        return None
    return [run["dag_run_id"] for run in answer.json()["dag_runs"]]


async def direct_cold(airflow: httpx.AsyncClient, runs: int) -> bool:
    """What a cold overview asks Airflow, made directly: the runs page, then the task instances
    of those runs through the batched list, as Airdeck reads them."""
    run_ids = await runs_page(airflow, runs)
    if run_ids is None:
        return False
    return all(answer.is_success for answer in await batched_instances(airflow, DAG_ID, run_ids))


async def direct_later(airflow: httpx.AsyncClient, runs: int) -> bool:
    """What a later overview asks Airflow once its runs page expired: that page alone."""
    return await runs_page(airflow, runs) is not None


@dataclass(frozen=True)
class Case:
    ours: Latency
    direct: Latency
    calls: int


@dataclass(frozen=True)
class Figures:
    runs: int
    answer: DagOverview
    size: int
    """Bytes of Airdeck's answer."""
    cold_calls: list[tuple[str, str]]
    """The Airflow calls of a cold overview, ``(method, path?query)``."""
    cold: Case
    later: Case
    warm: Case


def path(runs: int) -> str:
    return f"{PREFIX}/dags/{DAG_ID}/overview?runs={runs}"


async def latencies(
    api: Api, account: ServiceAccount, login: AirflowLogin, runs: int
) -> tuple[Latency, Latency, Latency, Latency, Latency]:
    """Airdeck cold, direct cold, Airdeck on a later visit, direct later, Airdeck warm."""
    account.fresh_token()  # the samples below stay well within its lifetime
    async with (
        httpx.AsyncClient(base_url=api.base, headers=api.headers, timeout=120) as ours,
        httpx.AsyncClient(base_url=login.url, auth=account, timeout=120) as theirs,
    ):

        async def mine() -> bool:
            try:
                return (await ours.get(path(runs))).is_success
            except httpx.HTTPError:
                return False

        def guarded(call: Callable[[], Awaitable[bool]]) -> Callable[[], Awaitable[bool]]:
            async def run() -> bool:
                try:
                    return await call()
                except httpx.HTTPError:
                    return False

            return run

        async def empty_cache() -> None:
            await asyncio.to_thread(flush, REDIS_URL)

        async def runs_page_expired() -> None:
            await asyncio.sleep(RUNS_PAGE_TTL + 0.5)

        await mine()  # connections and the token's signing key, not the data, are warm
        await direct_cold(theirs, runs)
        cold = await sample(mine, ROUNDS, before=empty_cache)
        direct = await sample(guarded(lambda: direct_cold(theirs, runs)), ROUNDS)
        await mine()
        later = await sample(mine, ROUNDS, before=runs_page_expired)
        direct_page = await sample(guarded(lambda: direct_later(theirs, runs)), ROUNDS)
        await mine()
        warm = await sample(mine, WARM_ROUNDS)
    return cold, direct, later, direct_page, warm


def counted_calls(login: AirflowLogin, runs: int) -> list[list[tuple[str, str]]]:
    """The Airflow calls of a cold overview, of the same overview at once (warm), and once its
    runs page expired (a later visit): a second API process behind a counting proxy."""
    flush(COUNTED_REDIS_URL)
    proxy = CountingProxy(login.url)
    proxy.start()
    try:
        with running_api(login, COUNTED_REDIS_URL, airflow_url=proxy.url) as api:
            found = []
            for wait in (0.0, 0.0, RUNS_PAGE_TTL + 0.5):
                time.sleep(wait)
                proxy.reset()
                httpx.get(
                    api.base + path(runs), headers=api.headers, timeout=120
                ).raise_for_status()
                found.append(proxy.api_calls())
    finally:
        proxy.close()
    return found


def figures(login: AirflowLogin, account: ServiceAccount, runs: int) -> Figures:
    flush(REDIS_URL)
    with running_api(login, REDIS_URL) as api:
        answer = httpx.get(api.base + path(runs), headers=api.headers, timeout=120)
        answer.raise_for_status()
        cold, direct, later, direct_page, warm = asyncio.run(latencies(api, account, login, runs))
    cold_calls, warm_calls, later_calls = counted_calls(login, runs)
    return Figures(
        runs=runs,
        answer=msgspec.json.decode(answer.content, type=DagOverview),
        size=len(answer.content),
        cold_calls=cold_calls,
        cold=Case(cold, direct, len(cold_calls)),
        later=Case(later, direct_page, len(later_calls)),
        warm=Case(warm, direct, len(warm_calls)),
    )


# -- the report -------------------------------------------------------------------------------


def print_table(rows: list[Figures]) -> None:
    print(
        f"\nOverview of {DAG_ID}: Airdeck cold ({ROUNDS} requests, cache emptied before each), "
        f"on a later visit ({ROUNDS}, {RUNS_PAGE_TTL:g} s apart: the runs page read again, the "
        f"instances cached) and warm ({WARM_ROUNDS}, all cached), vs the same Airflow calls made "
        "directly"
    )
    print(
        f"{'runs':>4} {'case':12} {'calls':>5} {'airdeck p50':>11} {'p95':>8} "
        f"{'direct p50':>10} {'p95':>8} {'ratio':>12}"
    )
    for row in rows:
        for name, case in (("cold", row.cold), ("later visit", row.later), ("warm", row.warm)):
            if case is row.warm:
                ratio = f"{case.direct.p50 / case.ours.p50:6.1f}x faster"
            else:
                ratio = f"{case.ours.p50 / case.direct.p50:6.2f}x"
            failed = case.ours.failed + case.direct.failed
            print(
                f"{row.runs:4d} {name:12} {case.calls:5d} {case.ours.p50:9.1f}ms "
                f"{case.ours.p95:6.1f}ms {case.direct.p50:8.1f}ms {case.direct.p95:6.1f}ms "
                f"{ratio:>12}" + (f"  ({failed} failed)" if failed else "")
            )
    print(
        "  direct: the runs page then the batched instances (cold, and the warm row's comparison);"
        "\n  the runs page alone (a later visit); ratio: Airdeck / direct, warm: direct / Airdeck"
    )


def main() -> int:
    login, account, airflow = bench_airflow()
    succeeded = ensure_runs(airflow)
    print(f"Airflow {login.url}: {DAG_ID} has {succeeded:,} successful runs (one task each)")

    rows = [figures(login, account, runs) for runs in PAGES_OF_RUNS]
    for row in rows:
        shown = row.answer
        print(
            f"  ?runs={row.runs}: {len(shown.runs)} runs shown, {shown.finished} finished, "
            f"{shown.succeeded} succeeded, {len(shown.slowest_tasks)} task(s) ranked; "
            f"{row.size / 1024:.0f} kB; Airflow calls cold:"
        )
        for method, target in row.cold_calls:
            print(f"    {method} {target.split('?')[0]}")
    print_table(rows)
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.1f}")
    print(
        f"\nTargets: overview of a DAG with {RUNS:,} runs under {WARM_TARGET_MS:.0f} ms warm and "
        f"under {COLD_CALLS_TARGET} Airflow calls cold per page of runs"
    )
    for row in rows:
        warm = row.warm.ours
        print(
            f"  ?runs={row.runs}, warm p95: {warm.p95:.1f} ms  "
            f"{verdict(warm.p95 < WARM_TARGET_MS and not warm.failed)}"
        )
        per_page = row.cold.calls / math.ceil(row.runs / PAGE)
        print(
            f"  ?runs={row.runs}, cold Airflow calls per page of runs: {per_page:g}  "
            f"{verdict(per_page < COLD_CALLS_TARGET)}"
        )
    print(
        f"  (a visit more than {RUNS_PAGE_TTL:g} s after the last reads the runs page again: see the"
        "\n  later-visit rows; cold, Airdeck reads the runs, then their instances: two calls for up"
        "\n  to 1,000 runs and 5,000 instances (ADR 0027), so one page of runs costs two calls:"
        "\n  Airflow's REST API has no one call that answers both)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Domain timings against the targets of the domain issue.

Run: python tests/bench/bench_domain.py
- layout of 1,000 tasks with 2,000 edges: target < 150 ms
- aggregation of 5,000 mapped instances: target < 50 ms
Prints the median of several runs and PASS/FAIL per target (a report, not a test).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from airdeck_domain.graph import build_graph
from airdeck_domain.layout import layout
from airdeck_domain.mapped import summarize
from airdeck_domain.models import Task, TaskInstance

RUNS = 7


def random_dag(tasks: int, edges: int, seed: int = 7) -> list[Task]:
    rng = random.Random(seed)
    downstream: dict[int, set[int]] = {i: set() for i in range(tasks)}
    count = 0
    while count < edges:
        a = rng.randrange(tasks - 1)
        b = rng.randrange(a + 1, min(tasks, a + 40))
        if b not in downstream[a]:
            downstream[a].add(b)
            count += 1
    groups = ["", "extract", "transform", "transform.clean", "load"]
    ids = [f"{groups[i % 5]}.t{i}" if groups[i % 5] else f"t{i}" for i in range(tasks)]
    return [
        Task(
            task_id=ids[i],
            label=ids[i],
            downstream_task_ids=[ids[j] for j in sorted(downstream[i])],
        )
        for i in range(tasks)
    ]


def mapped_instances(n: int) -> list[TaskInstance]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    states = ["success"] * 8 + ["failed", "running"]
    return [
        TaskInstance(
            task_id="process",
            map_index=i,
            state=states[i % len(states)],
            start_date=start + timedelta(seconds=i),
            end_date=start + timedelta(seconds=i + 3),
            duration=3.0,
        )
        for i in range(n)
    ]


def median_ms(fn: Callable[[], object]) -> float:
    samples = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def main() -> int:
    graph = build_graph(random_dag(1000, 2000))
    instances = mapped_instances(5000)
    results = [
        ("layout 1,000 tasks / 2,000 edges", median_ms(lambda: layout(graph)), 150.0),
        ("aggregate 5,000 mapped instances", median_ms(lambda: summarize(instances)), 50.0),
    ]
    failed = False
    for name, ms, target in results:
        verdict = "PASS" if ms < target else "FAIL"
        failed |= verdict == "FAIL"
        print(
            f"{name:36} {ms:8.1f} ms  (target < {target:.0f} ms, {ms / target:4.0%} of it)  {verdict}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

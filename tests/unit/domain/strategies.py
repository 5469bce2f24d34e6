"""Hypothesis strategies shared by the domain's property tests."""

from __future__ import annotations

from hypothesis import strategies as st

from airdeck_domain.models import Task


@st.composite
def dags(draw: st.DrawFn, max_tasks: int = 30, grouped: bool = True) -> list[Task]:
    """A random acyclic set of tasks (edges only from lower to higher index), some in groups."""
    n = draw(st.integers(min_value=1, max_value=max_tasks))
    groups = ["", "g1", "g1.inner", "g2"] if grouped else [""]
    ids = []
    for i in range(n):
        group = draw(st.sampled_from(groups))
        ids.append(f"{group}.t{i}" if group else f"t{i}")
    downstream: list[list[str]] = [[] for _ in range(n)]
    for i in range(n):
        targets = draw(st.lists(st.integers(min_value=i + 1, max_value=n), max_size=3, unique=True))
        downstream[i] = [ids[t] for t in targets if t < n]
    return [Task(task_id=ids[i], label=ids[i], downstream_task_ids=downstream[i]) for i in range(n)]

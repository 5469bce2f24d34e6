"""The cross-run grid: a DAG's tasks as rows and its recent runs as columns, each cell the
state of that task in that run.

Task groups are rows of their own, directly above their members (and those of their nested
groups), so a reader can fold them; a group's cell aggregates its members' states by the same
rules as a collapsed group of the run graph (``groups.collapse``). A mapped task's cell counts
its instances per state, as the run page does (``mapped.summarize``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Literal

import msgspec

from airdeck_domain.analytics import oldest_first
from airdeck_domain.graph import (
    CycleError,
    build_graph,
    enclosing_groups,
    group_of,
    topological_order,
)
from airdeck_domain.mapped import aggregate_state
from airdeck_domain.models import DagRun, Task, TaskInstance

# gc=False: a grid holds tens of thousands of these, which never form reference cycles (they
# hold only strings, numbers, dates and each other), so the garbage collector need not track
# them; tracked, it spent twice as long scanning them as the grid took to build.


class GridRun(msgspec.Struct, kw_only=True, gc=False):
    """One column of the grid: a run, as its header shows it."""

    run_id: str
    state: str | None
    run_type: str | None = None
    run_after: datetime | None = None
    logical_date: datetime | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None


class GridCell(msgspec.Struct, kw_only=True, omit_defaults=True, gc=False):
    """A task's (or a group's) state in one run.

    A plain task: its instance's state. A mapped task: the aggregate of its instances'
    (``mapped.aggregate_state``), ``map_count`` of them, ``state_counts`` per state (``none``
    for an instance without one). A group: the aggregate of its members' states, counted as a
    collapsed group of the run graph counts them (``groups.collapse``).
    """

    state: str | None = None
    map_count: int = 0
    state_counts: dict[str, int] = msgspec.field(default_factory=dict)


class GridRow(msgspec.Struct, kw_only=True, gc=False):
    """One row: a task, or a task group above its members."""

    id: str
    """The task id, or the group id (``transform.clean`` for a nested group)."""
    label: str
    kind: Literal["task", "group"] = "task"
    group_id: str | None = None
    """The group the row sits in (None at the top level)."""
    depth: int = 0
    """How many groups enclose the row."""
    is_mapped: bool = False
    operator: str | None = None
    cells: list[GridCell | None]
    """One per run, in the order of ``Grid.runs``; None where the task (or every member of the
    group) has no instance in that run."""


class Grid(msgspec.Struct, kw_only=True):
    """A DAG's recent runs, oldest first, and its tasks' states in each of them."""

    dag_id: str
    runs: list[GridRun]
    rows: list[GridRow]
    """Depth first: each group row directly above its members, in the DAG's execution order;
    a task that ran but is no longer in the DAG comes after the DAG's tasks of its group."""


def _grid_run(run: DagRun) -> GridRun:
    return GridRun(
        run_id=run.run_id,
        state=run.state,
        run_type=run.run_type,
        run_after=run.run_after,
        logical_date=run.logical_date,
        start_date=run.start_date,
        end_date=run.end_date,
    )


def _task_cells(instances: Iterable[TaskInstance], mapped: frozenset[str]) -> dict[str, GridCell]:
    """The cell of each task with instances in one run, as ``mapped.summarize`` states and
    counts it: a task is mapped in a run when its definition says so (``mapped``) or any of
    its instances there has a map index; a plain task's cell is its instance's state."""
    # Most tasks have one instance: a list is made only for those with more.
    found: dict[str, TaskInstance | list[TaskInstance]] = {}
    for ti in instances:
        before = found.get(ti.task_id)
        if before is None:
            found[ti.task_id] = ti
        elif isinstance(before, list):
            before.append(ti)
        else:
            found[ti.task_id] = [before, ti]
    cells = {}
    for task_id, entry in found.items():
        if not isinstance(entry, list):
            if entry.map_index < 0 and task_id not in mapped:
                cells[task_id] = GridCell(state=entry.state)
                continue
            entry = [entry]
        if task_id not in mapped and all(ti.map_index < 0 for ti in entry):
            cells[task_id] = GridCell(state=entry[0].state)
            continue
        counts: Counter[str | None] = Counter(ti.state for ti in entry)
        cells[task_id] = GridCell(
            state=aggregate_state(dict(counts)),
            map_count=len(entry),
            state_counts={
                str(state or "none"): n
                for state, n in sorted(counts.items(), key=lambda item: str(item[0]))
            },
        )
    return cells


def _group_cell(members: Iterable[GridCell | None]) -> GridCell | None:
    """A group's cell from its tasks' cells: None when none of them ran; else a mapped task
    counts by its instances' states and a plain one by its own state when it has one."""
    counts: Counter[str | None] = Counter()
    ran = False
    for cell in members:
        if cell is None:
            continue
        ran = True
        if cell.state_counts:
            counts.update(cell.state_counts)
        elif cell.state:
            counts[cell.state] += 1
    if not ran:
        return None
    if not counts:
        return GridCell()
    return GridCell(
        state=aggregate_state(dict(counts)),
        state_counts={str(state): n for state, n in sorted(counts.items(), key=str)},
    )


def _task_order(tasks: Sequence[Task], extra: Iterable[str]) -> list[str]:
    """The DAG's tasks in execution order (as given when they form a cycle), then ``extra``."""
    try:
        ranked = topological_order(build_graph(tasks))
    except CycleError:
        ranked = [t.task_id for t in tasks]
    known = set(ranked)
    return ranked + [task_id for task_id in dict.fromkeys(extra) if task_id not in known]


def _tree(order: Sequence[str]) -> list[tuple[Literal["task", "group"], str]]:
    """Tasks and their groups depth first: a group where its first task (in ``order``) would
    be, followed by its members in order."""
    children: dict[str | None, list[tuple[Literal["task", "group"], str]]] = {None: []}
    for task_id in order:
        parent: str | None = None
        for group in enclosing_groups(group_of(task_id)):
            if group not in children:
                children[group] = []
                children[parent].append(("group", group))
            parent = group
        children[parent].append(("task", task_id))
    flat: list[tuple[Literal["task", "group"], str]] = []
    stack = list(reversed(children[None]))
    while stack:
        kind, node_id = stack.pop()
        flat.append((kind, node_id))
        if kind == "group":
            stack.extend(reversed(children[node_id]))
    return flat


def grid(
    dag_id: str,
    tasks: Sequence[Task],
    runs: Sequence[DagRun],
    instances: Mapping[str, Sequence[TaskInstance]],
) -> Grid:
    """The grid of ``runs`` (any order; columns oldest first, as ``analytics.oldest_first``)
    with their task ``instances`` by run id, for a DAG whose structure is ``tasks``.

    Rows follow the DAG's execution order with each group above its members; a task that has
    instances but is not among ``tasks`` (removed from the DAG since) gets a row after those of
    its group. A task is mapped in a run when its definition says so or any of its instances
    there has a map index (as on the run page), and its row is mapped when it is in some run.
    """
    columns = oldest_first(runs)
    nodes = {n.id: n for n in build_graph(tasks).nodes}
    defined_mapped = frozenset(t.task_id for t in tasks if t.is_mapped)
    by_run = [_task_cells(instances.get(run.run_id, ()), defined_mapped) for run in columns]
    operators: dict[str, str | None] = {}
    for run in columns:
        for ti in instances.get(run.run_id, ()):
            operators.setdefault(ti.task_id, ti.operator)
    order = _task_order(tasks, (task_id for cells in by_run for task_id in cells))

    task_rows: dict[str, GridRow] = {}
    for task_id in order:
        cells = [found.get(task_id) for found in by_run]
        node = nodes.get(task_id)
        group = group_of(task_id)
        task_rows[task_id] = GridRow(
            id=task_id,
            label=node.label if node else task_id.rpartition(".")[2],
            group_id=group,
            depth=len(enclosing_groups(group)),
            is_mapped=task_id in defined_mapped or any(c.map_count for c in cells if c),
            operator=node.operator if node and node.operator else operators.get(task_id),
            cells=cells,
        )

    members: dict[str, list[GridRow]] = {}
    for row in task_rows.values():
        for group in enclosing_groups(row.group_id):
            members.setdefault(group, []).append(row)

    rows: list[GridRow] = []
    for kind, node_id in _tree(order):
        if kind == "task":
            rows.append(task_rows[node_id])
            continue
        parent = group_of(node_id)
        rows.append(
            GridRow(
                id=node_id,
                label=node_id.rpartition(".")[2],
                kind="group",
                group_id=parent,
                depth=len(enclosing_groups(parent)),
                cells=[
                    _group_cell(row.cells[column] for row in members[node_id])
                    for column in range(len(columns))
                ],
            )
        )
    return Grid(dag_id=dag_id, runs=[_grid_run(run) for run in columns], rows=rows)


def visible_rows(rows: Sequence[GridRow], collapsed: Iterable[str]) -> list[GridRow]:
    """The rows a reader sees with the ``collapsed`` groups folded: every row but those inside
    a collapsed group (a collapsed group's own row stays, so it can be unfolded)."""
    folded = set(collapsed)
    if not folded:
        return list(rows)
    return [row for row in rows if folded.isdisjoint(enclosing_groups(row.group_id))]

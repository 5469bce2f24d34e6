"""The cross-run grid: one cell per row and run, runs oldest first, every task and group one
row with each group above its members, cells that say what the run page and the collapsed run
graph say, and folding a group hides exactly what it encloses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from airdeck_domain.analytics import oldest_first
from airdeck_domain.graph import build_graph, enclosing_groups, group_of
from airdeck_domain.grid import Grid, GridRow, grid, visible_rows
from airdeck_domain.groups import collapse
from airdeck_domain.mapped import summarize
from airdeck_domain.models import DagRun, Task, TaskInstance
from airdeck_domain.overlay import overlay
from tests.unit.domain.strategies import dags

T0 = datetime(2026, 3, 1, tzinfo=UTC)
RUN_STATES = ["success", "failed", "running", "queued", None]
TASK_STATES = ["success", "failed", "running", "skipped", "upstream_failed", "queued", None]


@st.composite
def history(
    draw: st.DrawFn, removed: bool = True
) -> tuple[list[Task], list[DagRun], dict[str, list[TaskInstance]]]:
    """A DAG (some tasks mapped), runs in any order, and each run's instances of any subset of
    its tasks; with ``removed``, some instances of tasks no longer in the DAG too (mapped in
    some runs and not in others)."""
    tasks = [
        Task(
            task_id=t.task_id,
            label=t.label,
            downstream_task_ids=t.downstream_task_ids,
            is_mapped=draw(st.booleans()),
        )
        for t in draw(dags(max_tasks=12))
    ]
    gone = ["gone", "g1.gone"] if removed else []
    runs: list[DagRun] = []
    instances: dict[str, list[TaskInstance]] = {}
    for n in range(draw(st.integers(min_value=0, max_value=6))):
        run_id = f"run_{n}"
        runs.append(
            DagRun(
                run_id=run_id,
                dag_id="d",
                state=draw(st.sampled_from(RUN_STATES)),
                run_after=T0 + timedelta(hours=n) if draw(st.booleans()) else None,
            )
        )
        ran = draw(st.lists(st.sampled_from([t.task_id for t in tasks] + gone), unique=True))
        mapped = {t.task_id for t in tasks if t.is_mapped}
        tis = []
        for task_id in ran:
            fanned = task_id in mapped or (task_id in gone and draw(st.booleans()))
            count = draw(st.integers(1, 5)) if fanned else 1
            for index in range(count):
                tis.append(
                    TaskInstance(
                        task_id=task_id,
                        map_index=index if fanned else -1,
                        state=draw(st.sampled_from(TASK_STATES)),
                    )
                )
        instances[run_id] = draw(st.permutations(tis))
    return tasks, draw(st.permutations(runs)), instances


def task_ids(tasks: list[Task], instances: dict[str, list[TaskInstance]]) -> set[str]:
    return {t.task_id for t in tasks} | {ti.task_id for tis in instances.values() for ti in tis}


@settings(max_examples=200, deadline=None)
@given(history())
def test_one_cell_per_run_oldest_first_and_every_task_and_group_one_row(
    drawn: tuple[list[Task], list[DagRun], dict[str, list[TaskInstance]]],
) -> None:
    tasks, runs, instances = drawn
    found = grid("d", tasks, runs, instances)

    assert [r.run_id for r in found.runs] == [r.run_id for r in oldest_first(runs)]
    assert all(len(row.cells) == len(runs) for row in found.rows)
    ids = task_ids(tasks, instances)
    groups = {g for task_id in ids for g in enclosing_groups(group_of(task_id))}
    assert sorted(r.id for r in found.rows if r.kind == "task") == sorted(ids)
    assert sorted(r.id for r in found.rows if r.kind == "group") == sorted(groups)
    # Among the tasks side by side in a group (or at the top), each follows its upstream ones;
    # one no longer in the DAG follows the DAG's own.
    order = [r.id for r in found.rows if r.kind == "task"]
    for task in tasks:
        for downstream in task.downstream_task_ids:
            if group_of(downstream) == group_of(task.task_id):
                assert order.index(task.task_id) < order.index(downstream)
    known = {t.task_id for t in tasks}
    for removed in (task_id for task_id in order if task_id not in known):
        beside = [k for k in known if group_of(k) == group_of(removed)]
        assert all(order.index(k) < order.index(removed) for k in beside)


@settings(max_examples=200, deadline=None)
@given(history())
def test_each_group_sits_directly_above_all_it_encloses(
    drawn: tuple[list[Task], list[DagRun], dict[str, list[TaskInstance]]],
) -> None:
    found = grid("d", *drawn)
    rows = found.rows
    for position, row in enumerate(rows):
        assert row.depth == len(enclosing_groups(row.group_id))
        if row.group_id is not None:
            parent = next(i for i, r in enumerate(rows) if r.id == row.group_id)
            assert rows[parent].kind == "group" and parent < position
        if row.kind != "group":
            continue
        inside = [i for i, r in enumerate(rows) if row.id in enclosing_groups(r.group_id)]
        # Its members follow it at once, with nothing else between them.
        assert inside == list(range(position + 1, position + 1 + len(inside)))
        assert inside, "a group has members"


@settings(max_examples=200, deadline=None)
@given(history())
def test_a_task_cell_says_what_the_run_page_says(
    drawn: tuple[list[Task], list[DagRun], dict[str, list[TaskInstance]]],
) -> None:
    tasks, runs, instances = drawn
    found = grid("d", tasks, runs, instances)
    for column, run in enumerate(found.runs):
        summaries = {s.task_id: s for s in summarize(instances[run.run_id], tasks)}
        for row in found.rows:
            if row.kind != "task":
                continue
            cell = row.cells[column]
            summary = summaries.get(row.id)
            if summary is None:
                assert cell is None
                continue
            assert cell is not None
            assert cell.state == summary.state
            assert cell.map_count == summary.map_count
            assert cell.state_counts == summary.state_counts
    # A row is mapped when its task is by definition, or was in some run.
    mapped_somewhere = {
        s.task_id for run in runs for s in summarize(instances[run.run_id], tasks) if s.is_mapped
    }
    for row in (r for r in found.rows if r.kind == "task"):
        defined = any(t.task_id == row.id and t.is_mapped for t in tasks)
        assert row.is_mapped == (defined or row.id in mapped_somewhere)


@settings(max_examples=200, deadline=None)
@given(history(removed=False))
def test_a_group_cell_says_what_the_collapsed_run_graph_says(
    drawn: tuple[list[Task], list[DagRun], dict[str, list[TaskInstance]]],
) -> None:
    tasks, runs, instances = drawn
    found = grid("d", tasks, runs, instances)
    graph = build_graph(tasks)
    for column, run in enumerate(found.runs):
        overlaid = overlay(graph, summarize(instances[run.run_id], tasks))
        for row in found.rows:
            if row.kind != "group":
                continue
            node = next(n for n in collapse(overlaid, [row.id]).nodes if n.id == row.id)
            cell = row.cells[column]
            members = [r for r in found.rows if r.kind == "task" and r.id.startswith(row.id + ".")]
            if cell is None:
                assert all(m.cells[column] is None for m in members)
                assert (node.state, node.state_counts) == (None, {})
                continue
            assert (cell.state, cell.state_counts) == (node.state, node.state_counts)


@settings(max_examples=200, deadline=None)
@given(history(), st.data())
def test_folding_groups_hides_exactly_what_they_enclose(
    drawn: tuple[list[Task], list[DagRun], dict[str, list[TaskInstance]]], data: st.DataObject
) -> None:
    rows = grid("d", *drawn).rows
    groups = [r.id for r in rows if r.kind == "group"]
    folded = data.draw(st.lists(st.sampled_from(groups), unique=True) if groups else st.just([]))
    shown = visible_rows(rows, folded)

    def hidden(row: GridRow) -> bool:
        return any(g in folded for g in enclosing_groups(row.group_id))

    assert shown == [r for r in rows if not hidden(r)]
    # A folded group's own row stays (to unfold it), unless a group around it is folded too.
    assert all(r in shown for r in rows if r.id in folded and not hidden(r))
    assert visible_rows(rows, []) == rows


def test_a_mapped_task_counts_its_instances_and_its_group_adds_them_up() -> None:
    tasks = [
        Task(task_id="stage.split", label="stage.split", downstream_task_ids=["stage.work"]),
        Task(task_id="stage.work", label="stage.work", is_mapped=True),
    ]
    runs = [
        DagRun(run_id="new", dag_id="d", state="failed", run_after=T0 + timedelta(days=1)),
        DagRun(run_id="old", dag_id="d", state="success", run_after=T0),
    ]
    instances = {
        "old": [TaskInstance(task_id="stage.split", state="success")],
        "new": [
            TaskInstance(task_id="stage.split", state="success"),
            *(
                TaskInstance(task_id="stage.work", map_index=i, state=state)
                for i, state in enumerate(["success", "failed", "success", None])
            ),
        ],
    }

    found: Grid = grid("d", tasks, runs, instances)

    assert [r.run_id for r in found.runs] == ["old", "new"]
    assert [(r.id, r.kind, r.depth, r.label) for r in found.rows] == [
        ("stage", "group", 0, "stage"),
        ("stage.split", "task", 1, "split"),
        ("stage.work", "task", 1, "work"),
    ]
    group, split, work = found.rows
    assert work.is_mapped and not split.is_mapped
    assert work.cells[0] is None
    assert work.cells[1] is not None
    assert (work.cells[1].state, work.cells[1].map_count) == ("failed", 4)
    assert work.cells[1].state_counts == {"failed": 1, "none": 1, "success": 2}
    assert group.cells[1] is not None and group.cells[1].state == "failed"
    assert group.cells[1].state_counts == {"failed": 1, "none": 1, "success": 3}
    assert group.cells[0] is not None and group.cells[0].state == "success"

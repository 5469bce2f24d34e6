"""Graph building, execution order, neighbourhoods and group collapsing."""

from __future__ import annotations

from hypothesis import given, settings

from airdeck_domain.graph import build_graph, neighbourhood, topological_order
from airdeck_domain.groups import collapse
from airdeck_domain.mapped import summarize
from airdeck_domain.models import Task, TaskInstance
from airdeck_domain.overlay import overlay
from tests.unit.domain.strategies import dags


def chain(*ids: str) -> list[Task]:
    return [
        Task(task_id=t, label=t, downstream_task_ids=[ids[i + 1]] if i + 1 < len(ids) else [])
        for i, t in enumerate(ids)
    ]


def test_edges_from_downstream_ids_and_groups_from_prefixes() -> None:
    graph = build_graph(chain("extract.orders", "transform.clean.x", "load"))
    assert [(e.source, e.target) for e in graph.edges] == [
        ("extract.orders", "transform.clean.x"),
        ("transform.clean.x", "load"),
    ]
    assert [n.group_id for n in graph.nodes] == ["extract", "transform.clean", None]
    assert [n.label for n in graph.nodes] == ["orders", "x", "load"]


@settings(max_examples=100, deadline=None)
@given(dags())
def test_topological_order_respects_every_edge(tasks: list[Task]) -> None:
    graph = build_graph(tasks)
    order = topological_order(graph)
    position = {t: i for i, t in enumerate(order)}
    assert sorted(order) == sorted(t.task_id for t in tasks)
    for e in graph.edges:
        assert position[e.source] < position[e.target]


def test_neighbourhood_with_depth() -> None:
    graph = build_graph(chain("a", "b", "c", "d", "e"))
    assert [n.id for n in neighbourhood(graph, "c", depth=1).nodes] == ["b", "c", "d"]
    assert [n.id for n in neighbourhood(graph, "c", upstream=False).nodes] == ["c", "d", "e"]
    assert [n.id for n in neighbourhood(graph, "c", downstream=False).nodes] == ["a", "b", "c"]


def test_collapse_reroutes_edges_and_aggregates_state() -> None:
    tasks = chain("start", "g.a", "g.b", "end")
    instances = [
        TaskInstance(task_id="start", state="success"),
        TaskInstance(task_id="g.a", state="success"),
        TaskInstance(task_id="g.b", state="failed"),
        TaskInstance(task_id="end", state="upstream_failed"),
    ]
    graph = overlay(build_graph(tasks), summarize(instances, tasks))
    collapsed = collapse(graph, ["g"])
    assert {(e.source, e.target) for e in collapsed.edges} == {("start", "g"), ("g", "end")}
    group = next(n for n in collapsed.nodes if n.id == "g")
    assert group.kind == "group"
    assert group.state == "failed"
    assert group.state_counts == {"failed": 1, "success": 1}
    expanded = collapse(graph, [])
    assert {n.id for n in expanded.nodes} == {"start", "g.a", "g.b", "end"}

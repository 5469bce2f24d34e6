"""Layout properties: edges go left to right, nodes never overlap, groups enclose members,
the same input gives the same positions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from airdeck_domain.graph import CycleError, build_graph, enclosing_groups, without_back_edges
from airdeck_domain.groups import collapse, groups_of
from airdeck_domain.layout import LayoutOptions, layout
from airdeck_domain.models import GraphNode, Task
from tests.unit.domain.strategies import dags


def overlaps(a: GraphNode, b: GraphNode) -> bool:
    return (
        a.x < b.x + b.width
        and b.x < a.x + a.width
        and a.y < b.y + b.height
        and b.y < a.y + a.height
    )


@settings(max_examples=150, deadline=None)
@given(dags())
def test_edges_flow_left_to_right(tasks: list[Task]) -> None:
    graph = layout(build_graph(tasks))
    nodes = {n.id: n for n in graph.nodes}
    for edge in graph.edges:
        assert nodes[edge.source].x + nodes[edge.source].width < nodes[edge.target].x


@settings(max_examples=150, deadline=None)
@given(dags())
def test_no_two_nodes_overlap(tasks: list[Task]) -> None:
    placed = [n for n in layout(build_graph(tasks)).nodes if n.kind == "task"]
    assert len(placed) == len(tasks)
    for i, a in enumerate(placed):
        for b in placed[i + 1 :]:
            assert not overlaps(a, b), (a.id, b.id)


@settings(max_examples=150, deadline=None)
@given(dags())
def test_groups_enclose_their_members(tasks: list[Task]) -> None:
    graph = layout(build_graph(tasks))
    boxes = {n.id: n for n in graph.nodes if n.kind == "group"}
    for node in graph.nodes:
        for group in enclosing_groups(node.group_id):
            box = boxes[group]
            assert box.x <= node.x and node.x + node.width <= box.x + box.width
            assert box.y <= node.y and node.y + node.height <= box.y + box.height
    assert graph.width >= max(n.x + n.width for n in graph.nodes)


@settings(max_examples=50, deadline=None)
@given(dags())
def test_layout_is_deterministic(tasks: list[Task]) -> None:
    assert layout(build_graph(tasks)) == layout(build_graph(list(tasks)))


@settings(max_examples=80, deadline=None)
@given(dags())
def test_collapsed_groups_lay_out_as_nodes(tasks: list[Task]) -> None:
    graph = build_graph(tasks)
    outer = [g for g in groups_of(graph) if "." not in g]
    collapsed = collapse(graph, outer)
    placed = layout(collapsed, LayoutOptions(break_cycles=True))
    nodes = {n.id: n for n in placed.nodes}
    assert set(outer) <= set(nodes)
    for edge in without_back_edges(collapsed):
        assert nodes[edge.source].x < nodes[edge.target].x
    for i, a in enumerate(placed.nodes):
        for b in placed.nodes[i + 1 :]:
            assert not overlaps(a, b), (a.id, b.id)


def test_default_sizes_and_options() -> None:
    tasks = [Task(task_id="a", label="a", downstream_task_ids=["b"]), Task(task_id="b", label="b")]
    a, b = layout(build_graph(tasks)).nodes
    assert (a.width, a.height, b.x - a.x) == (180, 60, 260)
    wide = layout(build_graph(tasks), LayoutOptions(node_width=100, rank_gap=10)).nodes
    assert wide[1].x - wide[0].x == 110


def test_cycle_is_a_clear_error() -> None:
    tasks = [
        Task(task_id="a", label="a", downstream_task_ids=["b"]),
        Task(task_id="b", label="b", downstream_task_ids=["c"]),
        Task(task_id="c", label="c", downstream_task_ids=["a"]),
    ]
    with pytest.raises(CycleError, match="a → b → c → a") as caught:
        layout(build_graph(tasks))
    assert caught.value.cycle == ["a", "b", "c"]

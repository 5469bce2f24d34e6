"""A layered left-to-right layout of a DAG graph, computed here so the web only draws.

Steps (a compact Sugiyama method): ranks by longest path from the sources; order within each
rank by barycenter sweeps, keeping task-group members together; vertical positions pulled
toward each node's upstream neighbours, then pushed apart so nothing overlaps; group boxes drawn
around their members. Same input, same positions.
"""

from __future__ import annotations

from collections import defaultdict

import msgspec

from airdeck_domain.graph import enclosing_groups, topological_order, without_back_edges
from airdeck_domain.models import Graph, GraphNode


class LayoutOptions(msgspec.Struct, frozen=True, kw_only=True):
    """Sizes in pixels; ``sweeps`` is how many barycenter passes reduce crossings."""

    node_width: float = 180.0
    node_height: float = 60.0
    rank_gap: float = 80.0
    node_gap: float = 40.0
    group_padding: float = 16.0
    group_header: float = 24.0
    sweeps: int = 4
    break_cycles: bool = False
    """Lay out a cyclic graph by ignoring the edges that close cycles (they then point right
    to left) instead of raising ``CycleError``; meant for views with collapsed groups."""


def layout(graph: Graph, options: LayoutOptions | None = None) -> Graph:
    """``graph`` with every task node positioned (x, y, width, height), a ``group`` node boxing
    each task group's members, and the graph's overall width and height.

    Every edge points left to right, nodes other than group boxes never overlap, and groups
    enclose their members. Raises ``graph.CycleError`` for a cyclic graph.
    """
    opts = options or LayoutOptions()
    boxed = {g for n in graph.nodes if n.kind == "task" for g in enclosing_groups(n.group_id)}
    # Group nodes with members in the graph become boxes; a collapsed group is a plain node.
    tasks = [n for n in graph.nodes if not (n.kind == "group" and n.id in boxed)]
    if not tasks:
        return msgspec.structs.replace(graph, nodes=[], width=0.0, height=0.0)
    edges = graph.edges
    if opts.break_cycles:
        edges = without_back_edges(Graph(nodes=tasks, edges=edges))
    order = topological_order(Graph(nodes=tasks, edges=edges))
    ids = set(order)
    preds: dict[str, list[str]] = defaultdict(list)
    succs: dict[str, list[str]] = defaultdict(list)
    for e in edges:
        if e.source in ids and e.target in ids:
            preds[e.target].append(e.source)
            succs[e.source].append(e.target)

    rank: dict[str, int] = {}
    for node_id in order:
        rank[node_id] = max((rank[p] + 1 for p in preds[node_id]), default=0)
    ranks: list[list[str]] = [[] for _ in range(max(rank.values()) + 1)]
    for node_id in order:
        ranks[rank[node_id]].append(node_id)

    group_key = {n.id: n.group_id or "" for n in tasks}
    position = {node_id: float(i) for layer in ranks for i, node_id in enumerate(layer)}

    def reorder(layer: list[str], neighbours: dict[str, list[str]]) -> None:
        bary = {
            n: (
                sum(position[m] for m in neighbours[n]) / len(neighbours[n])
                if neighbours[n]
                else position[n]
            )
            for n in layer
        }
        # Members of one group share the group's mean barycenter so they stay adjacent.
        members: dict[str, list[float]] = defaultdict(list)
        for n in layer:
            members[group_key[n]].append(bary[n])
        group_bary = {g: sum(v) / len(v) for g, v in members.items()}
        layer.sort(key=lambda n: (group_bary[group_key[n]], group_key[n], bary[n], n))
        for i, n in enumerate(layer):
            position[n] = float(i)

    for sweep in range(opts.sweeps):
        if sweep % 2 == 0:
            for layer in ranks[1:]:
                reorder(layer, preds)
        else:
            for layer in reversed(ranks[:-1]):
                reorder(layer, succs)

    step_y = opts.node_height + opts.node_gap
    y: dict[str, float] = {}
    for layer in ranks:
        cursor = 0.0
        for n in layer:
            wanted = sum(y[p] for p in preds[n]) / len(preds[n]) if preds[n] else cursor
            y[n] = max(wanted, cursor)
            cursor = y[n] + step_y
    top = min(y.values())
    step_x = opts.node_width + opts.rank_gap
    boxes = {n: (rank[n] * step_x, y[n] - top + _depth_offset(group_key[n], opts)) for n in order}
    # Offsets for nested group headers can push a node onto its neighbour: restore the gaps.
    for layer in ranks:
        floor = float("-inf")
        for n in sorted(layer, key=lambda m: boxes[m][1]):
            x, top_y = boxes[n]
            top_y = max(top_y, floor)
            boxes[n] = (x, top_y)
            floor = top_y + step_y

    by_id = {n.id: n for n in tasks}
    placed = [
        msgspec.structs.replace(
            by_id[n],
            x=boxes[n][0],
            y=boxes[n][1],
            width=opts.node_width,
            height=opts.node_height,
        )
        for n in order
    ]
    groups = _group_boxes(placed, [n for n in graph.nodes if n.id in boxed], opts)
    nodes = groups + placed
    width = max(n.x + n.width for n in nodes)
    height = max(n.y + n.height for n in nodes)
    return msgspec.structs.replace(graph, nodes=nodes, width=width, height=height)


def _depth_offset(group_id: str, opts: LayoutOptions) -> float:
    """Room above a grouped node for each enclosing group's header."""
    return len(enclosing_groups(group_id)) * (opts.group_header + opts.group_padding)


def _group_boxes(
    placed: list[GraphNode], existing: list[GraphNode], opts: LayoutOptions
) -> list[GraphNode]:
    """One box per group around its members, deeper groups inside their parents."""
    extents: dict[str, list[float]] = {}
    for node in placed:
        for group in enclosing_groups(node.group_id):
            box = extents.setdefault(
                group, [node.x, node.y, node.x + node.width, node.y + node.height]
            )
            box[0] = min(box[0], node.x)
            box[1] = min(box[1], node.y)
            box[2] = max(box[2], node.x + node.width)
            box[3] = max(box[3], node.y + node.height)
    known = {g.id: g for g in existing}
    result = []
    # Innermost first so each parent can grow around its child boxes.
    for group in sorted(extents, key=lambda g: (-g.count("."), g)):
        x0, y0, x1, y1 = extents[group]
        pad, header = opts.group_padding, opts.group_header
        x0, y0, x1, y1 = x0 - pad, y0 - pad - header, x1 + pad, y1 + pad
        parent = group.rpartition(".")[0]
        if parent in extents:
            p = extents[parent]
            p[0], p[1], p[2], p[3] = min(p[0], x0), min(p[1], y0), max(p[2], x1), max(p[3], y1)
        base = known.get(group) or GraphNode(
            id=group,
            label=group.rpartition(".")[2],
            kind="group",
            group_id=parent or None,
        )
        result.append(msgspec.structs.replace(base, x=x0, y=y0, width=x1 - x0, height=y1 - y0))
    return sorted(result, key=lambda g: (g.id.count("."), g.id))

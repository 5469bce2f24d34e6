"""Collapsing task groups into single nodes (and so expanding them again)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from airdeck_domain.graph import enclosing_groups
from airdeck_domain.mapped import aggregate_state
from airdeck_domain.models import Graph, GraphEdge, GraphNode


def groups_of(graph: Graph) -> list[str]:
    """Every task group id in the graph, outer groups before inner ones."""
    found = {g for n in graph.nodes if n.kind == "task" for g in enclosing_groups(n.group_id)}
    return sorted(found, key=lambda g: (g.count("."), g))


def collapse(graph: Graph, group_ids: Iterable[str]) -> Graph:
    """``graph`` with each listed group shown as one node.

    The group node carries the aggregate of its members' states (same rules as mapped tasks)
    and summed state counts; edges into and out of the group are re-routed to it and edges
    inside it disappear. To expand a group, collapse the full graph without it. Positions are
    not kept: lay the result out again, with ``LayoutOptions(break_cycles=True)`` since a task
    that runs between two members of a collapsed group makes the view cyclic.
    """
    wanted = set(group_ids)
    # A task belongs to the outermost collapsed group that encloses it.
    owner: dict[str, str] = {}
    for node in graph.nodes:
        if node.kind != "task":
            continue
        for group in enclosing_groups(node.group_id):
            if group in wanted:
                owner[node.id] = group
                break
    members: dict[str, list[GraphNode]] = {}
    for node in graph.nodes:
        if node.id in owner:
            members.setdefault(owner[node.id], []).append(node)
    kept = [n for n in graph.nodes if n.kind == "task" and n.id not in owner]
    collapsed = []
    for group, nodes in sorted(members.items()):
        counts: Counter[str | None] = Counter()
        for n in nodes:
            if n.state_counts:
                counts.update(n.state_counts)
            elif n.state:
                counts[n.state] += 1
        durations = [n.duration for n in nodes if n.duration is not None]
        collapsed.append(
            GraphNode(
                id=group,
                label=group.rpartition(".")[2],
                kind="group",
                group_id=group.rpartition(".")[0] or None,
                state=aggregate_state(dict(counts)) if counts else None,
                duration=sum(durations) if durations else None,
                map_count=len(nodes),
                state_counts={str(k): v for k, v in sorted(counts.items(), key=str)},
            )
        )
    edges = {
        GraphEdge(source=owner.get(e.source, e.source), target=owner.get(e.target, e.target))
        for e in graph.edges
    }
    return Graph(
        nodes=collapsed + kept,
        edges=sorted(
            (e for e in edges if e.source != e.target), key=lambda e: (e.source, e.target)
        ),
    )

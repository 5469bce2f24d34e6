"""Overlaying a run's task states on a DAG's graph."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from airdeck_domain.models import Graph, TaskSummary


def overlay(graph: Graph, summaries: Sequence[TaskSummary]) -> Graph:
    """A copy of ``graph`` whose task nodes carry the run's state, duration and mapped counts.

    Nodes without a summary (the task did not exist in that run) keep ``state`` None.
    """
    by_task = {s.task_id: s for s in summaries}
    nodes = []
    for node in graph.nodes:
        summary = by_task.get(node.id)
        if summary is None:
            nodes.append(node)
            continue
        nodes.append(
            msgspec.structs.replace(
                node,
                state=summary.state,
                duration=summary.duration,
                map_count=summary.map_count,
                state_counts=dict(summary.state_counts),
            )
        )
    return msgspec.structs.replace(graph, nodes=nodes)

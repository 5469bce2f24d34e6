"""The laid-out graph the DAG page (its structure) and the run page (with each task's state)
both draw: React Flow nodes and edges, the task groups drawn collapsed, and what the graph is
of, shared as a state mixin so each page's state holds its own copy."""

from __future__ import annotations

import reflex as rx

from airdeck_web.flow_elements import flow_edges, flow_nodes, graph_params, group_ids, toggled
from airdeck_web.models import ApiGraph, FlowEdge, FlowNode


class GraphState(rx.State, mixin=True):
    """A graph drawn from the API's (``_draw_graph``), with groups collapsed one click at a time."""

    nodes: rx.Field[list[FlowNode]] = rx.field(default_factory=list)
    edges: rx.Field[list[FlowEdge]] = rx.field(default_factory=list)
    collapsed: rx.Field[list[str]] = rx.field(default_factory=list)
    graph_of: rx.Field[str] = rx.field("")
    """What the graph drawn is of (a DAG, a run); empty before one is drawn."""

    @rx.var
    def graph_key(self) -> str:
        """Changes when the drawn groups do, so the graph is fitted to the view again."""
        return f"{self.graph_of}|{','.join(self.collapsed)}"

    def _graph_params(self) -> dict[str, str]:
        """The query asking the API for the graph with the collapsed groups as one node each."""
        return graph_params(self.collapsed)

    def _draw_graph(self, graph: ApiGraph, of: str) -> None:
        """Show the API's graph of ``of``, the collapsed groups drawn as one node each."""
        self.graph_of = of
        self.nodes = flow_nodes(graph["nodes"], self.collapsed)
        self.edges = flow_edges(graph["edges"])

    def _is_group(self, node_id: str) -> bool:
        return node_id in group_ids(self.nodes)

    def _toggle(self, group_id: str) -> None:
        """Collapse the group into one node, or expand it again (the caller redraws)."""
        self.collapsed = toggled(self.collapsed, group_id)

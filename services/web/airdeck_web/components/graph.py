"""A DAG graph drawn with React Flow at the API's layout: zoom, pan, minimap, click a node."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import reflex as rx
from reflex_base.vars.sequence import ArrayVar

from airdeck_web.components.react_flow import Background, Controls, MiniMap, ReactFlow


def graph_view(
    nodes: ArrayVar[Sequence[dict[str, Any]]],
    edges: ArrayVar[Sequence[dict[str, Any]]],
    on_node_click: Any,
    view_key: rx.Var[str],
    loaded: rx.Var[bool],
) -> rx.Component:
    """The graph in a fixed-height frame. ``on_node_click`` gets the clicked node's id (a
    group's id for its toggle); a new ``view_key`` draws the flow afresh, fitted to the view;
    until ``loaded`` a spinner stands in for it, and after it an empty graph says so."""
    return rx.box(
        rx.cond(
            nodes.length() > 0,
            ReactFlow.create(
                MiniMap.create(),
                Controls.create(show_interactive=False),
                Background.create(gap=16, size=1),
                nodes=nodes,
                edges=edges,
                on_node_click=on_node_click,
                key=view_key,
            ),
            rx.center(
                rx.cond(
                    loaded,
                    rx.text("This DAG has no tasks.", color_scheme="gray", id="graph-empty"),
                    rx.spinner(),
                ),
                height="100%",
            ),
        ),
        height="min(70vh, 640px)",
        width="100%",
        border="1px solid var(--gray-5)",
        border_radius="8px",
        overflow="hidden",
        id="graph",
    )

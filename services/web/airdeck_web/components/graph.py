"""A DAG graph drawn from the API's layout: boxes at the given positions, SVG curves between."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from airdeck_web.components.badges import state_hex


def _node(node: Any, on_click: Callable[[Any], Any] | None) -> rx.Component:
    is_group = node["kind"] == "group"
    return rx.cond(
        is_group,
        rx.box(
            rx.text(node["label"], size="1", weight="bold", color="var(--gray-11)"),
            position="absolute",
            left=node["left"],
            top=node["top"],
            width=node["w"],
            height=node["h"],
            border="1px dashed var(--gray-8)",
            border_radius="8px",
            padding="4px 8px",
            background="var(--gray-a2)",
            class_name="graph-group",
        ),
        rx.box(
            rx.text(
                node["label"],
                size="2",
                weight="bold",
                trim="both",
                white_space="nowrap",
                overflow="hidden",
            ),
            rx.hstack(
                rx.text(node["state"], size="1"),
                rx.text(node["took"], size="1"),
                rx.cond(
                    node["map_count"].to(int) > 0,
                    rx.text("[", node["map_count"], "] ", node["counts"], size="1"),
                ),
                spacing="2",
            ),
            position="absolute",
            left=node["left"],
            top=node["top"],
            width=node["w"],
            height=node["h"],
            padding="6px 10px",
            border_radius="8px",
            color="white",
            cursor="pointer",
            background=state_hex(node["state"].to(str)),
            box_shadow=rx.cond(
                node["is_mapped"], "4px 4px 0 var(--gray-7), 8px 8px 0 var(--gray-5)", "none"
            ),
            on_click=on_click(node["id"]) if on_click else None,
            class_name="graph-node",
            data_task_id=node["id"],
            data_state=node["state"],
        ),
    )


def graph_view(
    nodes: rx.Var[list[dict[str, Any]]] | list[Any],
    paths: rx.Var[list[dict[str, str]]] | list[Any],
    width: rx.Var[str] | str = "100%",
    height: rx.Var[str] | str = "400px",
    on_click: Callable[[Any], Any] | None = None,
) -> rx.Component:
    """The graph, scrollable (pan) and zoomable when it is larger than the view."""
    return rx.vstack(
        rx.hstack(
            rx.button(
                "-", size="1", variant="soft", on_click=GraphZoom.zoom_out, aria_label="zoom out"
            ),
            rx.text((GraphZoom.zoom * 100).to(int).to(str) + "%", size="1"),
            rx.button(
                "+", size="1", variant="soft", on_click=GraphZoom.zoom_in, aria_label="zoom in"
            ),
            rx.button("Fit", size="1", variant="ghost", on_click=GraphZoom.fit),
            align="center",
        ),
        rx.box(
            rx.box(
                rx.el.svg(
                    rx.foreach(
                        paths,
                        lambda p: rx.el.path(
                            d=p["d"], stroke="var(--gray-8)", fill="none", stroke_width="1.5"
                        ),
                    ),
                    width=width,
                    height=height,
                    position="absolute",
                    left="0",
                    top="0",
                ),
                rx.foreach(nodes, lambda n: _node(n, on_click)),
                position="relative",
                width=width,
                height=height,
                transform="scale(" + GraphZoom.zoom.to(str) + ")",
                transform_origin="top left",
            ),
            overflow="auto",
            border="1px solid var(--gray-5)",
            border_radius="8px",
            padding="16px",
            max_height="70vh",
            width="100%",
            id="graph",
        ),
        width="100%",
    )


class GraphZoom(rx.State):
    """How much the graph views are zoomed."""

    zoom: float = 1.0

    @rx.event
    def zoom_in(self) -> None:
        self.zoom = min(2.0, round(self.zoom + 0.1, 2))

    @rx.event
    def zoom_out(self) -> None:
        self.zoom = max(0.3, round(self.zoom - 0.1, 2))

    @rx.event
    def fit(self) -> None:
        self.zoom = 1.0

"""React Flow (``@xyflow/react``) wrapped for Reflex, with Airdeck's node type.

The nodes and edges given to ``ReactFlow`` are plain data (see ``airdeck_web.flow_elements``);
every node has the type ``airdeck``, drawn by the JavaScript ``AirdeckGraphNode`` below: a task
box coloured by state (mapped tasks stacked, with per-state counts), a collapsed group, or an
expanded group's dashed box whose header toggles it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

import reflex as rx
from reflex_base.event import EventHandler
from reflex_base.style import resolved_color_mode
from reflex_base.vars.base import Var
from reflex_base.vars.object import ObjectVar

LIBRARY = "@xyflow/react@12.12.1"
NODE_TYPES = "airdeckNodeTypes"
"""The JavaScript object mapping node types to their renderers (defined in NODE_CODE)."""

# Module-level JavaScript, added once to each page drawing a graph. The node keeps the DOM
# contract the browser tests use: .graph-node with data-task-id and data-state, and
# .graph-group-toggle buttons with data-group-id. Clicks reach Reflex through the flow's
# onNodeClick (a group's node id is its group id); group boxes let the pointer through to
# the pane except on their header, so panning works across them.
NODE_CODE = """
const airdeckHiddenHandle = { opacity: 0, pointerEvents: "none" };
function airdeckToggle(id, data, sign) {
  return jsx("button", {
    type: "button",
    className: "graph-group-toggle",
    "data-group-id": id,
    "aria-label": (sign === "+" ? "Expand " : "Collapse ") + data.label,
    title: sign === "+" ? "Expand group" : "Collapse group",
    style: {
      pointerEvents: "all", cursor: "pointer", border: "1px solid currentColor",
      borderRadius: 4, background: "transparent", color: "inherit", lineHeight: "14px",
      width: 18, height: 18, padding: 0, fontSize: 13, flex: "none",
    },
  }, sign);
}
function AirdeckGraphNode({ id, data }) {
  if (data.kind === "group") {
    return jsx("div", {
      className: "graph-group",
      "data-group-id": id,
      style: {
        width: "100%", height: "100%", boxSizing: "border-box", pointerEvents: "none",
        border: "1px dashed var(--gray-8)", borderRadius: 8, background: "var(--gray-a2)",
        padding: "3px 8px", color: "var(--gray-11)", fontSize: 12, fontWeight: 600,
      },
    }, jsx("div", {
      style: { display: "flex", alignItems: "center", gap: 6, pointerEvents: "all",
               width: "fit-content", cursor: "pointer" },
    }, airdeckToggle(id, data, "\u2212"), data.label));
  }
  const collapsed = data.kind === "collapsed";
  return jsx("div", {
    className: collapsed ? "graph-node graph-collapsed" : "graph-node",
    "data-task-id": collapsed ? undefined : id,
    "data-group-id": collapsed ? id : undefined,
    "data-state": data.state,
    title: data.title,
    style: {
      width: "100%", height: "100%", boxSizing: "border-box", padding: "6px 10px",
      borderRadius: 8, color: "white", background: data.color, cursor: "pointer",
      overflow: "hidden", fontSize: 12, lineHeight: "16px",
      border: collapsed ? "2px dashed rgba(255,255,255,0.7)" : "none",
      boxShadow: data.stacked
        ? "4px 4px 0 -1px var(--gray-7), 8px 8px 0 -2px var(--gray-5)" : "none",
    },
  },
    jsx(Handle, { type: "target", position: Position.Left, isConnectable: false,
                  style: airdeckHiddenHandle }),
    jsx("div", { style: { display: "flex", alignItems: "center", gap: 6 } },
      collapsed ? airdeckToggle(id, data, "+") : null,
      jsx("strong", { style: { fontSize: 13, overflow: "hidden", textOverflow: "ellipsis",
                               whiteSpace: "nowrap" } }, data.label)),
    jsx("div", { className: "graph-node-state" }, data.status),
    data.detail ? jsx("div", { className: "graph-node-counts", style: { overflow: "hidden",
      textOverflow: "ellipsis", whiteSpace: "nowrap" } }, data.detail) : null,
    jsx(Handle, { type: "source", position: Position.Right, isConnectable: false,
                  style: airdeckHiddenHandle }));
}
const airdeckNodeTypes = { airdeck: AirdeckGraphNode };
"""


def _clicked_node_id(event: Var[Any], node: ObjectVar[dict[str, Any]]) -> tuple[Var[str]]:
    """React Flow calls ``onNodeClick(event, node)``; Reflex gets the node's id."""
    return (node["id"].to(str),)


class ReactFlow(rx.Component):
    """The flow: draws ``nodes`` and ``edges``, pans and zooms. Needs a parent with a height."""

    library = LIBRARY
    tag = "ReactFlow"

    nodes: Var[list[dict[str, Any]]]
    edges: Var[list[dict[str, Any]]]
    node_types: Var[dict[str, Any]]
    fit_view: Var[bool]
    fit_view_options: Var[dict[str, Any]]
    min_zoom: Var[float]
    max_zoom: Var[float]
    nodes_draggable: Var[bool]
    nodes_connectable: Var[bool]
    elements_selectable: Var[bool]
    color_mode: Var[Literal["light", "dark", "system"]]
    """Follows the app's resolved colour mode unless given."""

    # Annotated, not subscripted: EventHandler is not generic, so only this spelling is a type;
    # Reflex reads the args spec from the annotation's metadata either way.
    on_node_click: Annotated[EventHandler, _clicked_node_id]

    def add_imports(self) -> dict[str, Any]:
        """The stylesheet, and what the node renderer uses."""
        return {
            "": ["@xyflow/react/dist/style.css"],
            LIBRARY: ["Handle", "Position"],
            "@emotion/react": ["jsx"],
        }

    def add_custom_code(self) -> list[str]:
        """The Airdeck node type."""
        return [NODE_CODE]

    @classmethod
    def create(cls, *children: Any, **props: Any) -> Self:
        """A flow drawing Airdeck nodes: read-only, fitted to the view at first."""
        props.setdefault("node_types", Var(NODE_TYPES).to(dict))
        props.setdefault("fit_view", True)
        # A small graph is fitted at its natural size, not blown up.
        props.setdefault("fit_view_options", {"maxZoom": 1.0})
        props.setdefault("min_zoom", 0.1)
        props.setdefault("max_zoom", 2.0)
        props.setdefault("nodes_draggable", False)
        props.setdefault("nodes_connectable", False)
        props.setdefault("elements_selectable", False)
        props.setdefault("color_mode", resolved_color_mode)
        return super().create(*children, **props)


class MiniMap(rx.Component):
    """The overview in a corner; nodes take their state colour."""

    library = LIBRARY
    tag = "MiniMap"

    node_color: Var[Any]
    pannable: Var[bool]
    zoomable: Var[bool]

    @classmethod
    def create(cls, *children: Any, **props: Any) -> Self:
        """A minimap coloured like the nodes, which can pan and zoom the flow."""
        # Inline: the minimap may be compiled into a module without the flow's custom code.
        props.setdefault("node_color", Var("((node) => node.data.color)"))
        props.setdefault("pannable", True)
        props.setdefault("zoomable", True)
        return super().create(*children, **props)


class Controls(rx.Component):
    """Zoom in, zoom out, fit view (and lock) buttons."""

    library = LIBRARY
    tag = "Controls"

    show_interactive: Var[bool]


class Background(rx.Component):
    """The dotted background that moves with the flow."""

    library = LIBRARY
    tag = "Background"

    gap: Var[int]
    size: Var[float]

"""The API's laid-out graph as React Flow nodes and edges, with display text precomputed."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from airdeck_web.components.badges import STATE_HEX
from airdeck_web.models import FlowEdge, FlowNode
from airdeck_web.timefmt import duration

NO_STATE_HEX = "#607d8b"
GROUP_BOX_HEX = "rgba(127, 127, 127, 0.15)"


def flow_nodes(nodes: list[dict[str, Any]], collapsed: Collection[str]) -> list[FlowNode]:
    """One React Flow node per API node, at the API's position and size.

    ``data.kind`` is ``task``, ``collapsed`` (a group in ``collapsed``, drawn as one node) or
    ``group`` (an expanded group's box, which lets clicks through to the pane but its header).
    """
    return [_flow_node(n, n["id"] in collapsed) for n in nodes]


def _flow_node(node: dict[str, Any], is_collapsed: bool) -> FlowNode:
    kind = "collapsed" if is_collapsed else node["kind"]
    state = node.get("state") or "none"
    counts = " ".join(f"{k}:{v}" for k, v in sorted((node.get("state_counts") or {}).items()))
    if kind == "collapsed":
        detail = f"{node['map_count']} tasks" + (f" · {counts}" if counts else "")
    elif node.get("map_count"):
        detail = f"[{node['map_count']}] {counts}".strip()
    else:
        detail = ""
    took = "" if node.get("duration") is None else duration(node["duration"])
    return {
        "id": node["id"],
        "type": "airdeck",
        "position": {"x": node["x"], "y": node["y"]},
        "width": node["width"],
        "height": node["height"],
        "draggable": False,
        "connectable": False,
        "style": {"pointerEvents": "none"} if kind == "group" else {},
        "data": {
            "label": node["label"],
            "kind": kind,
            "state": state,
            # Before a task has run (and in the DAG's structure) its operator says more.
            "status": " · ".join(
                part
                for part in (state if node.get("state") else node.get("operator"), took)
                if part
            ),
            "detail": detail,
            "title": f"{node['id']} · {state}",
            "color": GROUP_BOX_HEX if kind == "group" else STATE_HEX.get(state, NO_STATE_HEX),
            "stacked": bool(node.get("is_mapped")) or kind == "collapsed",
        },
    }


def flow_edges(edges: list[dict[str, Any]]) -> list[FlowEdge]:
    """One smooth-step edge per dependency, from the source's right to the target's left."""
    return [
        {
            "id": f"{e['source']}->{e['target']}",
            "source": e["source"],
            "target": e["target"],
            "type": "smoothstep",
            "style": {"stroke": "var(--gray-9)", "strokeWidth": 1.5},
        }
        for e in edges
    ]


def group_ids(nodes: list[FlowNode]) -> list[str]:
    """The ids of the groups drawn in ``nodes`` (as boxes or collapsed)."""
    return [n["id"] for n in nodes if n["data"]["kind"] != "task"]


def toggled(collapsed: list[str], group_id: str) -> list[str]:
    """``collapsed`` with ``group_id`` added, or removed when it was there."""
    if group_id in collapsed:
        return [g for g in collapsed if g != group_id]
    return sorted([*collapsed, group_id])


def graph_params(collapsed: list[str]) -> dict[str, str]:
    """The query parameters asking the API for a graph with these groups collapsed."""
    return {"collapsed": ",".join(collapsed)} if collapsed else {}

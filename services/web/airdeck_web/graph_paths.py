"""SVG paths for a laid-out graph's edges (the API gives node positions; the web only draws)."""

from __future__ import annotations

from typing import Any


def edge_paths(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> list[dict[str, str]]:
    """A cubic curve from each source's right edge to its target's left edge."""
    by_id = {n["id"]: n for n in nodes}
    paths = []
    for edge in edges:
        source, target = by_id.get(edge["source"]), by_id.get(edge["target"])
        if source is None or target is None:
            continue
        x1 = source["x"] + source["width"]
        y1 = source["y"] + source["height"] / 2
        x2 = target["x"]
        y2 = target["y"] + target["height"] / 2
        bend = max(30.0, (x2 - x1) / 2)
        paths.append({"d": f"M {x1} {y1} C {x1 + bend} {y1}, {x2 - bend} {y2}, {x2} {y2}"})
    return paths


def node_view(node: dict[str, Any]) -> dict[str, Any]:
    """What a node box needs, with display text precomputed."""
    counts = node.get("state_counts") or {}
    return {
        **node,
        "state": node.get("state") or "none",
        "left": f"{node['x']}px",
        "top": f"{node['y']}px",
        "w": f"{node['width']}px",
        "h": f"{node['height']}px",
        "counts": " ".join(f"{k}:{v}" for k, v in sorted(counts.items()))
        if node.get("map_count")
        else "",
        "took": "" if node.get("duration") is None else f"{node['duration']:.1f}s",
    }

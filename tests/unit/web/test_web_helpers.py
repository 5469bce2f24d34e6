"""The web UI's pure helpers: graph elements, ANSI colours, times."""

from __future__ import annotations

from typing import Any

from airdeck_web.ansi_html import ansi_html
from airdeck_web.components.badges import STATE_HEX
from airdeck_web.flow_elements import (
    NO_STATE_HEX,
    flow_edges,
    flow_nodes,
    graph_params,
    group_ids,
    toggled,
)
from airdeck_web.timefmt import duration


def test_flow_nodes_carry_position_and_display_text() -> None:
    api_nodes: list[dict[str, Any]] = [
        {"id": "g", "label": "g", "kind": "group", "x": 0, "y": 0, "width": 400, "height": 120},
        {
            "id": "g.a",
            "label": "a",
            "kind": "task",
            "operator": "@task",
            "x": 16,
            "y": 40,
            "width": 180,
            "height": 60,
            "state": None,
            "is_mapped": True,
            "map_count": 3,
            "state_counts": {"success": 2, "failed": 1},
            "duration": 1.26,
        },
        {
            "id": "h",
            "label": "h",
            "kind": "group",
            "x": 460,
            "y": 40,
            "width": 180,
            "height": 60,
            "state": "success",
            "map_count": 2,
            "state_counts": {"success": 2},
        },
    ]
    box, task, folded = flow_nodes(api_nodes, collapsed=["h"])
    assert (box["data"]["kind"], box["style"]) == ("group", {"pointerEvents": "none"})
    assert (task["position"], task["width"], task["height"]) == ({"x": 16, "y": 40}, 180, 60)
    assert task["type"] == "airdeck" and task["draggable"] is False
    assert task["data"] == {
        "label": "a",
        "kind": "task",
        "state": "none",
        "status": "@task · 1.3s",
        "detail": "[3] failed:1 success:2",
        "title": "g.a · none",
        "color": NO_STATE_HEX,
        "stacked": True,
    }
    assert (folded["data"]["kind"], folded["data"]["detail"]) == (
        "collapsed",
        "2 tasks · success:2",
    )
    assert folded["data"]["color"] == STATE_HEX["success"]
    assert group_ids([box, task, folded]) == ["g", "h"]
    (edge,) = flow_edges([{"source": "g.a", "target": "h"}])
    assert (edge["id"], edge["source"], edge["target"], edge["type"]) == (
        "g.a->h",
        "g.a",
        "h",
        "smoothstep",
    )


def test_collapsed_groups_toggle_into_the_query() -> None:
    assert toggled(["a"], "b") == ["a", "b"]
    assert toggled(["a", "b"], "a") == ["b"]
    assert graph_params(["a", "b.c"]) == {"collapsed": "a,b.c"}
    assert graph_params([]) == {}


def test_times() -> None:
    assert duration(83.2) == "1m 23s" and duration(4.21) == "4.2s" and duration(None) == "—"


def test_ansi_colours_become_escaped_html() -> None:
    html = ansi_html("\x1b[31m<b>red</b>\x1b[0m & plain \x1b[1mbold\x1b[0m")
    assert html == (
        '<span style="color:#800000">&lt;b&gt;red&lt;/b&gt;</span> &amp; plain '
        '<span style="font-weight:bold">bold</span>'
    )
    assert ansi_html("no codes <script>") == "no codes &lt;script&gt;"

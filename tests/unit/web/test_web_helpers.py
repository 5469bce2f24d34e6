"""The web UI's pure helpers: the trigger form from a params schema, graph elements, times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from airdeck_domain.conf import params_to_schema
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
from airdeck_web.states.dag import conf_from_form, form_fields
from airdeck_web.timefmt import duration, relative

PARAMS = {
    "region": {
        "value": "eu",
        "schema": {"type": "string", "enum": ["eu", "us", "apac"]},
        "description": "Region",
    },
    "days": {"value": 7, "schema": {"type": "integer", "minimum": 1, "maximum": 31}},
    "email": {"value": None, "schema": {"type": ["null", "string"]}},
}


def test_form_fields_follow_the_schema() -> None:
    fields = {f["name"]: f for f in form_fields(params_to_schema(PARAMS))}
    assert fields["region"]["kind"] == "enum" and fields["region"]["options"] == [
        "eu",
        "us",
        "apac",
    ]
    assert fields["days"]["kind"] == "integer" and fields["days"]["bounds"] == "min 1 max 31"
    assert fields["days"]["default"] == "7"
    assert fields["email"]["kind"] == "string" and fields["email"]["default"] == ""


def test_conf_from_form_types_values_and_drops_empty_optionals() -> None:
    fields = form_fields(params_to_schema(PARAMS))
    assert conf_from_form(fields, {"region": "us", "days": "12", "email": ""}) == {
        "region": "us",
        "days": 12,
    }
    # A value that is not a number is passed on as typed, for the API to explain.
    assert conf_from_form(fields, {"days": "lots"})["days"] == "lots"


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
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert relative((now - timedelta(minutes=3)).isoformat(), now) == "3 min ago"
    assert relative((now + timedelta(hours=2)).isoformat(), now) == "in 2 h"
    assert relative(None, now) == "—"
    assert duration(83.2) == "1m 23s" and duration(4.21) == "4.2s" and duration(None) == "—"


def test_ansi_colours_become_escaped_html() -> None:
    html = ansi_html("\x1b[31m<b>red</b>\x1b[0m & plain \x1b[1mbold\x1b[0m")
    assert html == (
        '<span style="color:#800000">&lt;b&gt;red&lt;/b&gt;</span> &amp; plain '
        '<span style="font-weight:bold">bold</span>'
    )
    assert ansi_html("no codes <script>") == "no codes &lt;script&gt;"

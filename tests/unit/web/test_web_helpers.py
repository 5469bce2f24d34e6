"""The web UI's pure helpers: the trigger form from a params schema, edge paths, times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from airdeck_domain.conf import params_to_schema
from airdeck_web.ansi_html import ansi_html
from airdeck_web.graph_paths import edge_paths, node_view
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


def test_edge_paths_join_right_side_to_left_side() -> None:
    nodes = [
        {"id": "a", "x": 0, "y": 0, "width": 180, "height": 60},
        {"id": "b", "x": 260, "y": 100, "width": 180, "height": 60},
    ]
    (path,) = edge_paths(
        nodes, [{"source": "a", "target": "b"}, {"source": "a", "target": "ghost"}]
    )
    assert path["d"].startswith("M 180 30.0 C") and path["d"].endswith("260 130.0")
    view = node_view(
        {
            **nodes[0],
            "state": None,
            "map_count": 3,
            "state_counts": {"success": 2, "failed": 1},
            "duration": 1.26,
        }
    )
    assert (view["state"], view["counts"], view["took"], view["left"]) == (
        "none",
        "failed:1 success:2",
        "1.3s",
        "0px",
    )


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

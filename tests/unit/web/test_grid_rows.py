"""What the grid tab shows of the API's grid: the window of rows always covers the viewport
(with room either side) and stays put for small scrolls; cells say state, count and tooltip."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from airdeck_web.grid_rows import (
    ABSENT,
    OVERSCAN,
    ROW_HEIGHT,
    STEP,
    parse,
    row_view,
    run_columns,
    window,
)

GRID: dict[str, Any] = {
    "dag_id": "d",
    "runs": [
        {"run_id": "r1", "state": "success", "start_date": "2026-03-01T10:00:00Z"},
        {"run_id": "r2", "state": None},
    ],
    "rows": [
        {
            "id": "stage",
            "label": "stage",
            "kind": "group",
            "depth": 0,
            "cells": [{"state": "failed", "state_counts": {"failed": 1, "success": 1}}, None],
        },
        {
            "id": "stage.work",
            "label": "work",
            "group_id": "stage",
            "depth": 1,
            "is_mapped": True,
            "cells": [
                {"state": "failed", "map_count": 3, "state_counts": {"failed": 1, "success": 2}},
                None,
            ],
        },
        {"id": "load", "label": "load", "cells": [{"state": "success"}, {}]},
    ],
}


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=5000),
    st.integers(min_value=0, max_value=60_000),
    st.integers(min_value=0, max_value=2000),
)
def test_the_window_covers_the_viewport_with_room_either_side(
    total: int, scroll_top: int, viewport: int
) -> None:
    start, end = window(scroll_top, viewport, total)
    assert 0 <= start <= end <= total
    # The browser never scrolls past the last row.
    top = min(scroll_top, max(0, total * ROW_HEIGHT - viewport))
    start, end = window(top, viewport, total)
    first = top // ROW_HEIGHT
    last = min(total, -(-(top + max(viewport, ROW_HEIGHT)) // ROW_HEIGHT))
    assert start <= first or total == 0
    assert end >= last
    assert start <= max(0, first - OVERSCAN) or total == 0
    assert end >= min(total, last + OVERSCAN)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=5000), st.integers(min_value=0, max_value=60_000))
def test_scrolling_within_a_step_of_rows_keeps_the_window(total: int, scroll_top: int) -> None:
    block_top = scroll_top // (STEP * ROW_HEIGHT) * STEP * ROW_HEIGHT
    assert window(scroll_top, 600, total) == window(block_top, 600, total)


def test_a_run_column_per_run_oldest_first() -> None:
    columns = run_columns(parse(GRID))
    assert [(c["run_id"], c["state"], c["label"]) for c in columns] == [
        ("r1", "success", "#1"),
        ("r2", "none", "#2"),
    ]
    assert columns[0]["tip"] == "r1 · success · started 2026-03-01 10:00:00 UTC"


def test_cells_say_state_count_and_tooltip() -> None:
    group, work, load = parse(GRID).rows
    folded = row_view(group, {"stage"})
    assert (folded["kind"], folded["collapsed"], folded["depth"]) == ("group", True, 0)
    assert folded["cells"] == [
        {"state": "failed", "count": "", "tip": "failed: failed 1 · success 1"},
        {"state": ABSENT, "count": "", "tip": "no instance"},
    ]
    mapped = row_view(work, {"stage"})
    assert (mapped["mapped"], mapped["collapsed"], mapped["label"]) == (True, False, "work")
    assert mapped["cells"][0] == {
        "state": "failed",
        "count": "3",
        "tip": "failed, 3 mapped: failed 1 · success 2",
    }
    assert row_view(load, set())["cells"] == [
        {"state": "success", "count": "", "tip": "success"},
        {"state": "none", "count": "", "tip": "none"},
    ]

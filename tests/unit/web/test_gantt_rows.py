"""What a run's Gantt chart and table show of the API's Gantt: stacked segments that add up to
where each try is, a mapped task's instances a page at a time, the same tries as table rows,
and the zoom's time range."""

from __future__ import annotations

from typing import Any

from airdeck_web.gantt_rows import (
    INSTANCES_PER_PAGE,
    QUEUED_FILL,
    chart_rows,
    headline,
    table_rows,
    try_slots,
    zoomed,
)


def bar(
    try_number: int,
    state: str,
    queued: float | None,
    started: float | None,
    ended: float | None,
    live: bool = False,
) -> dict[str, Any]:
    return {
        "try_number": try_number,
        "state": state,
        "queued": queued,
        "started": started,
        "ended": ended,
        "live": live,
        "queued_for": None if queued is None or started is None else started - queued,
        "ran_for": None if started is None or ended is None else ended - started,
        "queued_at": "2026-03-01T00:00:01Z" if queued is not None else None,
        "start_date": "2026-03-01T00:00:03Z" if started is not None else None,
        "end_date": None if live else "2026-03-01T00:00:10Z",
    }


def mapped(count: int, expanded: bool) -> dict[str, Any]:
    children = [
        {
            "task_id": "fan",
            "map_index": i,
            "label": "eu" if i == 1 else str(i),
            "state": "success",
            "bars": [bar(1, "success", None, float(i), float(i) + 1)],
        }
        for i in range(count)
    ]
    return {
        "task_id": "fan",
        "label": "fan",
        "state": "running",
        "is_mapped": True,
        "map_count": count,
        "bars": [bar(1, "running", 0.0, 0.5, float(count), live=True)],
        "instances": children if expanded else None,
    }


GANTT: dict[str, Any] = {
    "run": {"run_id": "r", "state": "running"},
    "span": 40.0,
    "as_of": "2026-03-01T00:00:40Z",
    "rows": [
        {
            "task_id": "flaky",
            "label": "flaky",
            "state": "running",
            "bars": [bar(1, "failed", 1.0, 3.0, 10.0), bar(2, "running", 12.0, 15.0, 40.0, True)],
        },
        mapped(3, expanded=False),
    ],
}


def test_each_try_is_a_gap_a_queue_and_a_run_stacked_where_it_happened() -> None:
    rows = chart_rows(GANTT, {})
    flaky, fan = rows
    assert (flaky["g0"], flaky["q0"], flaky["r0"]) == (1.0, 2.0, 7.0)
    assert (flaky["g1"], flaky["q1"], flaky["r1"]) == (2.0, 3.0, 25.0)
    assert flaky["f0"] == "var(--red-9)" and flaky["f1"] == "var(--blue-9)"
    assert flaky["tries"] == "2 tries" and flaky["live"] and flaky["took"] == "25.0s"
    assert "try 2 · running (still going)" in flaky["detail"]
    # The mapped row spans its instances; its second slot is empty.
    assert (fan["kind"], fan["counts"], fan["expanded"]) == ("mapped", "[3]", False)
    assert (fan["g0"], fan["q0"], fan["r0"], fan["g1"], fan["r1"]) == (0.0, 0.5, 2.5, 0.0, 0.0)
    assert fan["f1"] == "transparent"
    assert try_slots(rows) == [
        {"gap": "g0", "queued": "q0", "running": "r0", "fill": "f0"},
        {"gap": "g1", "queued": "q1", "running": "r1", "fill": "f1"},
    ]
    assert QUEUED_FILL.startswith("var(--")


def test_a_try_that_begins_before_the_last_one_ended_starts_where_it_ended() -> None:
    skewed = {
        "rows": [{"task_id": "t", "bars": [bar(1, "failed", 0, 1, 9), bar(2, "success", 5, 6, 8)]}]
    }
    (row,) = chart_rows(skewed, {})
    assert (row["g1"], row["q1"], row["r1"]) == (0.0, 0.0, 0.0)
    assert all(row[k] >= 0 for k in ("g0", "q0", "r0", "g1", "q1", "r1"))


def test_an_expanded_mapped_task_shows_a_page_of_instances_and_a_pager() -> None:
    total = INSTANCES_PER_PAGE + 20
    gantt = {"rows": [mapped(total, expanded=True)]}
    rows = chart_rows(gantt, {})
    assert rows[0]["expanded"] and len(rows) == 1 + INSTANCES_PER_PAGE + 1
    assert [r["label"] for r in rows[1:3]] == ["[0]", "[1] eu"]
    pager = rows[-1]
    assert (pager["kind"], pager["has_previous"], pager["has_next"]) == ("pager", False, True)
    assert pager["label"] == f"instances 1 to {INSTANCES_PER_PAGE} of {total}"

    second = chart_rows(gantt, {"fan": 2})
    assert [r["map_index"] for r in second[1:-1]] == list(range(INSTANCES_PER_PAGE, total))
    assert (second[-1]["has_previous"], second[-1]["has_next"]) == (True, False)
    assert chart_rows(gantt, {"fan": 99})[1]["map_index"] == INSTANCES_PER_PAGE
    assert len(chart_rows({"rows": [mapped(3, expanded=True)]}, {})) == 4, "no pager for one page"


def test_the_table_has_a_row_per_try_and_a_span_per_mapped_task() -> None:
    table = table_rows(GANTT, {})
    assert [(r["task"], r["try"], r["state"]) for r in table] == [
        ("flaky", "1", "failed"),
        ("flaky", "2", "running"),
        ("fan [3]", "span", "running"),
    ]
    assert table[1]["ended_at"] == "still going" and table[1]["ran_for"] == "25.0s"
    assert table[0]["started_at"] == "2026-03-01 00:00:03 UTC"
    expanded = table_rows({"rows": [mapped(2, expanded=True)]}, {})
    assert [r["task"] for r in expanded] == ["fan [2]", "fan [0]", "fan [1] eu"]


def test_the_zoom_shows_a_range_of_the_time_line() -> None:
    assert zoomed(40.0, [0, 100]) == [0.0, 40.0]
    assert zoomed(40.0, [75, 25]) == [10.0, 30.0]
    assert zoomed(40.0, [100, 100]) == [39.6, 40.0]
    assert zoomed(45.99, [0, 100]) == [0.0, 46.0], "out to the next tenth of a second"
    assert zoomed(0.0, []) == [0.0, 1.0]
    head = headline(GANTT, [0, 50])
    assert (head["span"], head["shown"], head["live"]) == ("40.0s", "0.0s to 20.0s", True)

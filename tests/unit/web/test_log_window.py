"""The log viewer's window: numbering, groups across chunks, folding, windows, search."""

from __future__ import annotations

from typing import Any

from airdeck_web.log_window import MAX_ROWS, around, matches, newest, to_rows, visible


def line(text: str, group: str | None = None, level: str | None = None) -> dict[str, Any]:
    return {"text": text, "group": group, "level": level}


def test_rows_are_numbered_and_groups_nest_across_chunks() -> None:
    first, open_groups = to_rows(
        [line("boot"), line("Setup", "start"), line("\x1b[31mred\x1b[0m", level="ERROR")], 1, []
    )
    assert [r["number"] for r in first] == [1, 2, 3]
    assert open_groups == [2]
    assert first[2]["text"] == "red" and "color:" in first[2]["html"]
    assert first[2]["level"] == "error" and first[2]["within"] == [2]
    second, open_groups = to_rows([line("inner"), line("", "end"), line("after")], 4, open_groups)
    assert [(r["number"], r["text"], r["within"]) for r in second] == [
        (4, "inner", [2]),
        (5, "after", []),
    ]
    assert open_groups == []


def test_html_is_escaped() -> None:
    (row,), _ = to_rows([line("<script>alert(1)</script>")], 1, [])
    assert "<script>" not in row["html"] and "&lt;script&gt;" in row["html"]


def test_folding_hides_a_group_and_its_nested_groups_but_not_the_header() -> None:
    rows, _ = to_rows(
        [
            line("Outer", "start"),
            line("a"),
            line("Inner", "start"),
            line("b"),
            line("", "end"),
            line("", "end"),
            line("c"),
        ],
        1,
        [],
    )
    assert [r["text"] for r in visible(rows, [1])] == ["Outer", "c"]
    assert [r["text"] for r in visible(rows, [3])] == ["Outer", "a", "Inner", "c"]
    assert visible(rows, []) == rows


def test_windows_hold_at_most_max_rows() -> None:
    rows, _ = to_rows([line(f"l{n}") for n in range(1, MAX_ROWS + 501)], 1, [])
    tail = newest(rows)
    assert len(tail) == MAX_ROWS and tail[-1]["number"] == MAX_ROWS + 500
    middle = around(rows, 1200)
    assert len(middle) == MAX_ROWS and middle[0]["number"] <= 1200 <= middle[-1]["number"]
    start = around(rows, 3)
    assert start[0]["number"] == 1
    end = around(rows, MAX_ROWS + 499)
    assert end[-1]["number"] == MAX_ROWS + 500


def test_search_ignores_case_and_colours_and_counts_everything() -> None:
    rows, _ = to_rows([line("Tick 1"), line("\x1b[1mtick\x1b[0m 2"), line("tock")], 1, [])
    assert matches(rows, "TICK") == ([1, 2], 2)
    assert matches(rows, "") == ([], 0)

"""The log viewer's window: numbering, groups across chunks, folding, windows, search."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from airdeck_domain.logs import segments
from airdeck_web.ansi_html import ansi_html
from airdeck_web.log_window import (
    MAX_ROWS,
    kept,
    matches,
    newest,
    searchable,
    to_rows,
    visible,
    window,
)


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
    lines = [line(f"l{n}") for n in range(1, MAX_ROWS + 501)]
    rows, _ = to_rows(lines, 1, [])
    tail = newest(rows)
    assert len(tail) == MAX_ROWS and tail[-1]["number"] == MAX_ROWS + 500
    total = MAX_ROWS + 500
    assert window(lines, total) == tail
    middle = window(lines, total, 1200)
    assert len(middle) == MAX_ROWS and middle[0]["number"] <= 1200 <= middle[-1]["number"]
    assert middle == rows[middle[0]["number"] - 1 : middle[-1]["number"]]
    start = window(lines, total, 3)
    assert start[0]["number"] == 1 and len(start) == MAX_ROWS
    end = window(lines, total, MAX_ROWS + 499)
    assert end[-1]["number"] == MAX_ROWS + 500 and len(end) == MAX_ROWS
    assert window([], 0) == []


def test_a_window_cut_from_kept_lines_matches_the_rows_read_in_chunks() -> None:
    """Rows cut later from the kept lines carry the same numbers, groups and colours as the
    rows the tail made chunk by chunk, even where a group opened before the window."""
    lines = [
        line("Outer", "start"),
        *(line(f"a{n}") for n in range(5)),
        line("Inner", "start"),
        line("\x1b[31mred\x1b[0m", level="ERROR"),
        line("", "end"),
        *(line(f"b{n}") for n in range(5)),
        line("", "end"),
        line("after"),
    ]
    first, open_groups = to_rows(lines[:7], 1, [])
    second, _ = to_rows(lines[7:], 8, open_groups)
    chunked = first + second
    stored = [kept({**raw, "timestamp": "2026-01-01T00:00:00Z"}) for raw in lines]
    assert window(stored, len(chunked), size=len(chunked)) == chunked
    assert window(stored, len(chunked), 8, size=4) == chunked[5:9]
    assert window(stored, len(chunked), size=3) == chunked[-3:]
    assert chunked[-1]["within"] == [] and chunked[7]["within"] == [1, 7]


def test_search_ignores_case_and_colours_and_counts_everything() -> None:
    rows, _ = to_rows([line("Tick 1"), line("\x1b[1mtick\x1b[0m 2"), line("tock")], 1, [])
    texts = [searchable(r["text"]) for r in rows]
    assert matches(texts, "TICK") == ([1, 2], 2)
    assert matches(texts, "k 2") == ([2], 1), "colour codes do not split the text"
    assert matches(texts, "") == ([], 0)


def test_plain_lines_skip_the_ansi_parser_with_the_same_result() -> None:
    for text in ("plain <b>&amp; 'quoted'</b>", "tabs\tand  spaces", "", "ünïcödé ✓"):
        assert ansi_html(text) == "".join(
            seg.text.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace('"', "&quot;")
            .replace("'", "&#x27;")
            for seg in segments(text)
        )
        (row,), _ = to_rows([line(text)], 1, [])
        assert row["text"] == Text.from_ansi(text).plain

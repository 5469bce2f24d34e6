"""What the cross-run grid shows of the API's grid: its run columns, and a window of its rows.

A DAG may have a thousand tasks, and each row as many cells as runs: more than a browser should
draw at once. So the rows stay on the server, and the browser gets only the window around what
its viewport shows (rows have one fixed height, so a scroll position says which rows those
are), plus a spacer as tall as every row, so the scroll bar tells the truth.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import Any
from urllib.parse import quote

import msgspec

from airdeck_domain.grid import Grid, GridCell, GridRow
from airdeck_web.timefmt import exact

ROW_HEIGHT = 28
"""Pixels per row, for every row: what lets a scroll position name its rows."""
OVERSCAN = 20
"""Rows drawn above and below the viewport, so a quick scroll shows rows, not a gap."""
STEP = 10
"""The window moves in steps of this many rows, so small scrolls change nothing."""
ASSUMED_VIEWPORT = 900
"""Pixels the viewport is taken to show before the browser has said (a tall screen's)."""
ABSENT = "absent"
"""A cell's state where the task has no instance in that run."""


def parse(body: dict[str, Any]) -> Grid:
    """The API's grid as the domain's types."""
    return msgspec.convert(body, Grid, strict=False)


def window(scroll_top: int, viewport: int, total: int) -> tuple[int, int]:
    """The rows to draw, ``[start, end)`` of ``total``, for a viewport ``viewport`` pixels high
    scrolled ``scroll_top`` pixels down: those it shows and at least ``OVERSCAN`` either side.
    The window is the same wherever the top row is within one ``STEP`` of rows, so scrolling
    less than that redraws nothing."""
    block = max(scroll_top, 0) // ROW_HEIGHT // STEP * STEP
    shown = math.ceil(max(viewport, ROW_HEIGHT) / ROW_HEIGHT) + 1
    start = min(max(0, block - OVERSCAN), max(0, total - 1) // STEP * STEP)
    end = min(total, block + STEP + shown + OVERSCAN)
    return start, max(start, end)


def run_columns(grid: Grid) -> list[dict[str, Any]]:
    """One header entry per run, oldest first: its id (and as a URL path segment), state and
    what its tooltip says."""
    columns = []
    for n, run in enumerate(grid.runs, start=1):
        state = run.state or "none"
        began = run.start_date.isoformat() if run.start_date else None
        columns.append(
            {
                "run_id": run.run_id,
                "path": quote(run.run_id, safe=""),
                "state": state,
                "label": f"#{n}",
                "tip": f"{run.run_id} · {state}" + (f" · started {exact(began)}" if began else ""),
            }
        )
    return columns


def _counts(cell: GridCell) -> str:
    return " · ".join(f"{state} {n}" for state, n in cell.state_counts.items())


def _cell(cell: GridCell | None, row: GridRow) -> dict[str, str]:
    if cell is None:
        return {"state": ABSENT, "count": "", "tip": "no instance"}
    state = cell.state or "none"
    if row.kind == "group":
        return {
            "state": state,
            "count": "",
            "tip": f"{state}: {_counts(cell)}" if cell.state_counts else state,
        }
    if row.is_mapped:
        return {
            "state": state,
            "count": str(cell.map_count),
            "tip": f"{state}, {cell.map_count} mapped: {_counts(cell)}",
        }
    return {"state": state, "count": "", "tip": state}


def row_view(row: GridRow, collapsed: Collection[str]) -> dict[str, Any]:
    """What the browser draws of one row: its label, indent and cells (state, count, tooltip)."""
    return {
        "id": row.id,
        "label": row.label,
        "kind": row.kind,
        "depth": row.depth,
        "mapped": row.is_mapped,
        "collapsed": row.id in collapsed,
        "cells": [_cell(cell, row) for cell in row.cells],
    }


def window_rows(
    rows: Sequence[GridRow], start: int, end: int, collapsed: Collection[str]
) -> list[dict[str, Any]]:
    """``rows[start:end]`` as the browser draws them."""
    return [row_view(row, collapsed) for row in rows[start:end]]

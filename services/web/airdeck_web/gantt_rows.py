"""What a run's Gantt chart and table show of the API's Gantt: one chart row per task (and per
instance of an expanded mapped task, a page at a time), its tries as stacked segments, the
same tries as table rows, and the time range a zoom shows.

The chart stacks, per row and per try slot ``k``: ``g{k}`` (an invisible gap up to the try),
``q{k}`` (its time in the queue) and ``r{k}`` (its time running, filled ``f{k}`` by state);
slots are as many as the most tries of any row shown.
"""

from __future__ import annotations

import math
from typing import Any

from airdeck_web.models import GanttHead, GanttSlot, GanttTableRow
from airdeck_web.overview_rows import state_fill
from airdeck_web.timefmt import duration, exact

INSTANCES_PER_PAGE = 100
"""Instances of an expanded mapped task drawn at once: a chart of 2,000 rows would be slow
to draw and to read; the rest are a page away."""
QUEUED_FILL = "var(--gray-a7)"
"""The queued part of a bar: lighter than any state's colour, in light and dark mode."""


def _took(bar: dict[str, Any] | None) -> str:
    """How long a bar ran (or waited, if it never started)."""
    if bar is None:
        return "—"
    seconds = bar.get("ran_for")
    if seconds is None:
        seconds = bar.get("queued_for")
    return duration(seconds)


def _detail(label: str, bar: dict[str, Any] | None) -> str:
    """A row's hover text: its latest try, state, queue and run times."""
    if bar is None:
        return label
    live = " (still going)" if bar.get("live") else ""
    return (
        f"{label} · try {bar.get('try_number', 0)} · {bar.get('state') or 'none'}{live} · "
        f"queued {duration(bar.get('queued_for'))} · ran {duration(bar.get('ran_for'))}"
    )


def _segments(bars: list[dict[str, Any]], slots: int) -> dict[str, Any]:
    """The stacked lengths of ``bars``, one slot each; empty slots are zero. A try that
    begins before the previous one ended (skewed clocks) starts where that one ended."""
    cursor = 0.0
    found: dict[str, Any] = {}
    for k in range(slots):
        bar = bars[k] if k < len(bars) else {}
        queued, started, ended = bar.get("queued"), bar.get("started"), bar.get("ended")
        begin = queued if queued is not None else started
        if begin is None or ended is None:
            found |= {f"g{k}": 0.0, f"q{k}": 0.0, f"r{k}": 0.0, f"f{k}": "transparent"}
            continue
        begin = max(begin, cursor)
        run_from = max(started if started is not None else ended, begin)
        end = max(ended, run_from)
        found |= {
            f"g{k}": begin - cursor,
            f"q{k}": run_from - begin,
            f"r{k}": end - run_from,
            f"f{k}": state_fill(bar.get("state")),
        }
        cursor = end
    return found


def _row(
    row: dict[str, Any], kind: str, label: str, depth: int, expanded: bool = False
) -> dict[str, Any]:
    bars = row.get("bars") or []
    latest = bars[-1] if bars else None
    map_index = int(row.get("map_index", -1))
    return {
        "key": row["task_id"] if kind != "instance" else f"{row['task_id']}[{map_index}]",
        "task_id": row["task_id"],
        "map_index": map_index,
        "kind": kind,
        "label": label,
        "depth": depth,
        "expanded": expanded,
        "state": row.get("state") or "none",
        "took": _took(latest),
        "live": bool(latest and latest.get("live")),
        "tries": f"{len(bars)} tries" if kind != "mapped" and len(bars) > 1 else "",
        "counts": f"[{row.get('map_count', 0)}]" if kind == "mapped" else "",
        "detail": _detail(label, latest),
        "bars": bars,
    }


def _instance_label(child: dict[str, Any]) -> str:
    """``[3]``, or ``[3] eu-west`` for an instance Airflow renders a name for."""
    index, label = child["map_index"], child.get("label")
    return f"[{index}]" if label in (None, "", str(index)) else f"[{index}] {label}"


def _pager(task_id: str, page: int, total: int) -> dict[str, Any]:
    pages = max(math.ceil(total / INSTANCES_PER_PAGE), 1)
    first = (page - 1) * INSTANCES_PER_PAGE + 1
    last = min(page * INSTANCES_PER_PAGE, total)
    return {
        "key": f"{task_id}#pages",
        "task_id": task_id,
        "map_index": -1,
        "kind": "pager",
        "label": f"instances {first} to {last} of {total}",
        "depth": 1,
        "expanded": False,
        "state": "none",
        "took": "",
        "live": False,
        "tries": "",
        "counts": "",
        "detail": "",
        "bars": [],
        "page": page,
        "has_previous": page > 1,
        "has_next": page < pages,
    }


def page_of(pages: dict[str, int], task_id: str, total: int) -> int:
    """The page of a mapped task's instances shown: the one chosen, within those there are."""
    last = max(math.ceil(total / INSTANCES_PER_PAGE), 1)
    return min(max(int(pages.get(task_id, 1)), 1), last)


def chart_rows(gantt: dict[str, Any], pages: dict[str, int]) -> list[dict[str, Any]]:
    """The rows the chart draws, top to bottom: each task, and under an expanded mapped task
    (one whose instances the API listed) the instances of its page (``pages``, by task id)
    followed by a pager row when there are more. Each row carries its stacked segments."""
    rows = []
    for row in gantt.get("rows") or []:
        children = row.get("instances")
        if not row.get("is_mapped"):
            rows.append(_row(row, "task", row["task_id"], 0))
            continue
        rows.append(_row(row, "mapped", row["task_id"], 0, expanded=children is not None))
        if children is None:
            continue
        page = page_of(pages, row["task_id"], len(children))
        start = (page - 1) * INSTANCES_PER_PAGE
        for child in children[start : start + INSTANCES_PER_PAGE]:
            rows.append(_row(child, "instance", _instance_label(child), 1))
        if len(children) > INSTANCES_PER_PAGE:
            rows.append(_pager(row["task_id"], page, len(children)))
    slots = max((len(r["bars"]) for r in rows), default=1) or 1
    return [{**r, **_segments(r.pop("bars"), slots)} for r in rows]


def try_slots(rows: list[dict[str, Any]]) -> list[GanttSlot]:
    """The data keys of each try slot of ``rows`` (see the module's docstring); one slot when
    there are no rows."""
    count = sum(1 for key in (rows[0] if rows else {}) if key[:1] == "r" and key[1:].isdigit())
    return [
        {"gap": f"g{k}", "queued": f"q{k}", "running": f"r{k}", "fill": f"f{k}"}
        for k in range(max(count, 1))
    ]


def table_rows(gantt: dict[str, Any], pages: dict[str, int]) -> list[GanttTableRow]:
    """The chart read as a table: one row per try of each task and shown instance, and one per
    mapped task for its span, with exact times and human lengths."""
    found: list[GanttTableRow] = []

    def add(row: dict[str, Any], label: str, what: str | None = None) -> None:
        for bar in row.get("bars") or []:
            found.append(
                {
                    "task": label,
                    "try": what or str(bar.get("try_number", 0)),
                    "state": bar.get("state") or "none",
                    "queued_at": exact(bar.get("queued_at")) or "—",
                    "started_at": exact(bar.get("start_date")) or "—",
                    "ended_at": "still going"
                    if bar.get("live")
                    else exact(bar.get("end_date")) or "—",
                    "queued_for": duration(bar.get("queued_for")),
                    "ran_for": duration(bar.get("ran_for")),
                }
            )

    for row in gantt.get("rows") or []:
        if not row.get("is_mapped"):
            add(row, row["task_id"])
            continue
        add(row, f"{row['task_id']} [{row.get('map_count', 0)}]", "span")
        children = row.get("instances")
        if children is None:
            continue
        start = (page_of(pages, row["task_id"], len(children)) - 1) * INSTANCES_PER_PAGE
        for child in children[start : start + INSTANCES_PER_PAGE]:
            add(child, f"{row['task_id']} {_instance_label(child)}")
    return found


def zoomed(span: float, zoom: list[int]) -> list[float]:
    """The seconds the time axis shows: the ``zoom`` range, in percent of ``span`` (all of
    it for anything but two percentages; at least one percent of it)."""
    low, high = sorted(min(max(int(p), 0), 100) for p in zoom) if len(zoom) == 2 else (0, 100)
    if high == low:
        low, high = (low - 1, high) if high == 100 else (low, high + 1)
    whole = span if span > 0 else 1.0
    # Tenths of a second, outward: the axis ends on a readable tick and clips no bar.
    return [math.floor(whole * low / 10) / 10, math.ceil(whole * high / 10) / 10]


def headline(gantt: dict[str, Any], zoom: list[int]) -> GanttHead:
    """The line above the chart: how long the run's time line is, what the zoom shows, and
    whether bars are still growing."""
    span = float(gantt.get("span") or 0.0)
    low, high = zoomed(span, zoom)
    return {
        "span": duration(span),
        "shown": f"{duration(low)} to {duration(high)}",
        "live": gantt.get("as_of") is not None,
        "low": low,
        "high": high,
    }

"""The log viewer's window onto a task log: numbered rows, log groups, folding, search.

A log may be far longer than a browser should hold, so the viewer keeps at most ``MAX_ROWS``
rows. Rows are numbered from the start of the log the same way whether they arrive by tailing
or by reading the whole log again, so a search over the whole log can point into the window.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.text import Text

from airdeck_domain.logs import search
from airdeck_domain.models import LogLine
from airdeck_web.ansi_html import ansi_html

MAX_ROWS = 2000
"""The most rows the viewer keeps: the newest ones while tailing, or those around a match."""
MAX_MATCHES = 10_000
"""Search keeps the line numbers of this many matches at most (all of them are counted)."""

Row = dict[str, Any]


def to_rows(
    lines: Iterable[dict[str, Any]], first_number: int, open_groups: Sequence[int]
) -> tuple[list[Row], list[int]]:
    """Rows for the API's log ``lines``, numbered from ``first_number``, and the groups still
    open after them.

    ``open_groups`` are the numbers of the group headers open before these lines (from the
    previous call), so a group that starts in one chunk and ends in the next nests correctly.
    A group's end marker ends the group and takes no row. Each row names the headers it sits
    in (``within``), which is what folding a group hides.
    """
    rows: list[Row] = []
    stack = list(open_groups)
    number = first_number
    for line in lines:
        group = line.get("group") or ""
        if group == "end":
            if stack:
                stack.pop()
            continue
        text = str(line.get("text") or "")
        rows.append(
            {
                "number": number,
                "text": Text.from_ansi(text).plain,
                "html": ansi_html(text),
                "level": str(line.get("level") or "").lower(),
                "group": group,
                "within": list(stack),
            }
        )
        if group == "start":
            stack.append(number)
        number += 1
    return rows, stack


def newest(rows: Sequence[Row], size: int = MAX_ROWS) -> list[Row]:
    """The last ``size`` rows."""
    return list(rows[-size:]) if len(rows) > size else list(rows)


def around(rows: Sequence[Row], number: int, size: int = MAX_ROWS) -> list[Row]:
    """``size`` rows with row ``number`` in the middle (or as near it as the log allows)."""
    index = next((i for i, row in enumerate(rows) if row["number"] == number), len(rows) - 1)
    start = max(0, min(index - size // 2, len(rows) - size))
    return list(rows[start : start + size])


def visible(rows: Sequence[Row], folded: Iterable[int]) -> list[Row]:
    """The rows not hidden inside a folded group (a folded group's header stays visible)."""
    hidden = set(folded)
    if not hidden:
        return list(rows)
    return [row for row in rows if not hidden.intersection(row["within"])]


def matches(rows: Sequence[Row], query: str) -> tuple[list[int], int]:
    """Numbers of the rows whose text contains ``query`` (any case), the first
    ``MAX_MATCHES`` of them, and how many rows match in all."""
    found = search([LogLine(text=row["text"]) for row in rows], query)
    return [rows[i]["number"] for i in found[:MAX_MATCHES]], len(found)

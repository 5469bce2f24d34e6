"""The log viewer's window onto a task log: numbered rows, log groups, folding, search.

A log may be far longer than a browser should hold, so the viewer keeps at most ``MAX_ROWS``
rows. Rows are numbered from the start of the log, so a search over the whole log (held on the
server, see ``states.logs``) can point into the window, and a window can be cut anywhere from
the lines already read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from rich.text import Text

from airdeck_web.ansi_html import ansi_html

MAX_ROWS = 2000
"""The most rows the viewer keeps: the newest ones while tailing, or those around a match."""
MAX_MATCHES = 10_000
"""Search keeps the line numbers of this many matches at most (all of them are counted)."""

Row = dict[str, Any]
ESC = "\x1b"
"""What every ANSI escape code starts with."""


def to_rows(
    lines: Iterable[dict[str, Any]],
    first_number: int,
    open_groups: Sequence[int],
    limit: int | None = None,
) -> tuple[list[Row], list[int]]:
    """Rows for the API's log ``lines``, numbered from ``first_number`` (at most ``limit`` of
    them), and the groups still open after them.

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
                # Most lines carry no ANSI codes: skip parsing them (it is most of the cost).
                "text": Text.from_ansi(text).plain if ESC in text else text,
                "html": ansi_html(text),
                "level": str(line.get("level") or "").lower(),
                "group": group,
                "within": list(stack),
            }
        )
        if group == "start":
            stack.append(number)
        number += 1
        if limit is not None and len(rows) == limit:
            break
    return rows, stack


def kept(line: dict[str, Any]) -> dict[str, Any]:
    """What the server keeps of an API log line to cut windows from later."""
    return {"text": line.get("text") or "", "level": line.get("level"), "group": line.get("group")}


def newest(rows: Sequence[Row], size: int = MAX_ROWS) -> list[Row]:
    """The last ``size`` rows."""
    return list(rows[-size:]) if len(rows) > size else list(rows)


def window(
    lines: Sequence[dict[str, Any]], total: int, number: int | None = None, size: int = MAX_ROWS
) -> list[Row]:
    """The rows of a window cut from the log's ``lines`` (``total`` rows in all): the newest
    ``size`` rows, or, given a row ``number``, ``size`` rows with it in the middle (or as near
    it as the log allows). Only the window's lines are turned into rows."""
    if number is None:
        first = max(1, total - size + 1)
    else:
        first = max(1, min(number - size // 2, total - size + 1))
    stack: list[int] = []
    row_number = 1
    for index, line in enumerate(lines):
        group = line.get("group") or ""
        if group == "end":
            if stack:
                stack.pop()
            continue
        if row_number == first:
            rows, _ = to_rows(islice(lines, index, None), first, stack, limit=size)
            return rows
        if group == "start":
            stack.append(row_number)
        row_number += 1
    return []


def visible(rows: Sequence[Row], folded: Iterable[int]) -> list[Row]:
    """The rows not hidden inside a folded group (a folded group's header stays visible)."""
    hidden = set(folded)
    if not hidden:
        return list(rows)
    return [row for row in rows if not hidden.intersection(row["within"])]


def searchable(text: str) -> str:
    """A row's plain text as search compares it (any case)."""
    return text.casefold()


def matches(texts: Sequence[str], query: str) -> tuple[list[int], int]:
    """Numbers of the rows whose ``searchable`` text (row ``n``'s at ``texts[n - 1]``) contains
    ``query`` in any case, the first ``MAX_MATCHES`` of them, and how many rows match in all.

    The texts were stripped of ANSI codes and case-folded once, as they arrived, so a search on
    every keystroke is a plain substring scan (``airdeck_domain.logs.search`` parses each raw
    line again, which for a long log takes seconds)."""
    if not query:
        return [], 0
    needle = searchable(query)
    found = [number for number, text in enumerate(texts, 1) if needle in text]
    return found[:MAX_MATCHES], len(found)

"""Task logs: Airflow 3's structured events → lines, ANSI colours → styled segments, search."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from itertools import pairwise
from typing import Any

import msgspec
from rich.style import Style
from rich.text import Text

from airdeck_domain.models import LogLine
from airdeck_domain.redaction import redact, redact_lines

__all__ = ["Segment", "parse_events", "readable_lines", "redact", "search", "segments"]

_GROUP_START = "::group::"
_GROUP_END = "::endgroup::"
_SOURCE_GROUP = "Log message source details"
"""Airflow's first group lists the log files' paths on its hosts: internal, so never shown."""


def _timestamp(raw: Any) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None


def _error_lines(details: Any) -> list[str]:
    """Readable lines for Airflow's ``error_detail`` (exception type, value and frames)."""
    lines: list[str] = []
    for exc in details if isinstance(details, list) else []:
        if not isinstance(exc, Mapping):
            continue
        for frame in exc.get("frames") or []:
            if isinstance(frame, Mapping):
                lines.append(
                    f'  File "{frame.get("filename")}", line {frame.get("lineno")}, '
                    f"in {frame.get('name')}"
                )
        lines.append(f"{exc.get('exc_type', 'Error')}: {exc.get('exc_value', '')}")
    return lines


def parse_events(events: Sequence[Mapping[str, Any] | str]) -> list[LogLine]:
    """Lines of a log from Airflow's events (structured dicts, or plain strings from Airflow 2).

    Group markers (``::group::Title`` / ``::endgroup::``) become lines with ``group`` set;
    exception details become extra lines after their event. Airflow's "log message source
    details" group is dropped: it names files on Airflow's hosts. Text is not redacted here.
    """
    lines: list[LogLine] = []
    skipping = False
    for event in events:
        if isinstance(event, str):
            for raw in event.splitlines() or [""]:
                lines.append(LogLine(text=raw))
            continue
        text = str(event.get("event", ""))
        base = LogLine(
            text="",
            timestamp=_timestamp(event.get("timestamp")),
            level=str(event["level"]) if event.get("level") else None,
            logger=str(event["logger"]) if event.get("logger") else None,
        )
        if text.startswith(_GROUP_START):
            title = text[len(_GROUP_START) :]
            if title == _SOURCE_GROUP:
                skipping = True
            else:
                lines.append(msgspec.structs.replace(base, text=title, group="start"))
            continue
        if text.startswith(_GROUP_END):
            if not skipping:
                lines.append(msgspec.structs.replace(base, group="end"))
            skipping = False
            continue
        if skipping:
            continue
        first, *rest = text.splitlines() or [""]
        lines.append(msgspec.structs.replace(base, text=first))
        lines.extend(LogLine(text=part) for part in rest)
        lines.extend(
            LogLine(text=extra, level=base.level)
            for extra in _error_lines(event.get("error_detail"))
        )
    return lines


def readable_lines(
    events: Sequence[Mapping[str, Any] | str], *, key_open: bool = False
) -> tuple[list[LogLine], bool]:
    """The lines of ``events`` (as :func:`parse_events`) with their text redacted, private keys
    across lines included. For a log read in pieces, ``key_open`` carries a private key left
    open by the previous piece; the second item says whether one is open after these lines."""
    lines = parse_events(events)
    texts, key_open = redact_lines((line.text for line in lines), key_open=key_open)
    readable = [
        msgspec.structs.replace(line, text=text) for line, text in zip(lines, texts, strict=True)
    ]
    return readable, key_open


class Segment(msgspec.Struct, kw_only=True):
    """A run of text with one style; colours as ``#rrggbb``."""

    text: str
    color: str | None = None
    background: str | None = None
    bold: bool = False
    italic: bool = False
    underline: bool = False


def segments(text: str) -> list[Segment]:
    """``text`` with ANSI SGR codes split into styled segments (parsed by ``rich``)."""
    parsed = Text.from_ansi(text)
    plain = parsed.plain
    cuts = sorted({0, len(plain), *(s.start for s in parsed.spans), *(s.end for s in parsed.spans)})
    result: list[Segment] = []
    for start, end in pairwise(cuts):
        if start == end:
            continue
        style = Style.combine(
            [Style()]
            + [
                span.style if isinstance(span.style, Style) else Style.parse(span.style)
                for span in parsed.spans
                if span.start <= start < span.end
            ]
        )
        result.append(
            Segment(
                text=plain[start:end],
                color=style.color.get_truecolor().hex if style.color else None,
                background=style.bgcolor.get_truecolor().hex if style.bgcolor else None,
                bold=bool(style.bold),
                italic=bool(style.italic),
                underline=bool(style.underline),
            )
        )
    return result


def search(lines: Sequence[LogLine], query: str, *, case_sensitive: bool = False) -> list[int]:
    """Indexes of the lines that contain ``query`` (ANSI codes ignored)."""
    if not query:
        return []
    needle = re.compile(re.escape(query), 0 if case_sensitive else re.IGNORECASE)
    return [i for i, line in enumerate(lines) if needle.search(Text.from_ansi(line.text).plain)]

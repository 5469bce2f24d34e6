"""What the Versions tab and the run page show of a DAG's versions: the history as table rows,
a unified diff as lines to colour, and the version a run used in a few words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from airdeck_web.models import DagVersion, DagVersions, DiffLine, VersionRow
from airdeck_web.timefmt import exact

HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")
NOT_VERSIONED = "not versioned"
"""A bundle version's text when the bundle keeps none (a plain DAGs folder)."""


def history_rows(history: DagVersions) -> list[VersionRow]:
    """The versions newest first, as the history table shows them."""
    return [
        VersionRow(
            number=str(v["version_number"]),
            bundle_name=str(v.get("bundle_name") or "—"),
            bundle_version=str(v.get("bundle_version") or NOT_VERSIONED),
            created=str(v.get("created_at") or ""),
            created_exact=exact(v.get("created_at")),
        )
        for v in reversed(history["versions"])
    ]


def diff_rows(diff: str) -> list[DiffLine]:
    """A unified diff as the lines to draw, each with its kind and its line numbers in the old
    and the new version; the ``---``/``+++`` header is left out (the tab names both versions)."""
    lines = diff.splitlines()
    if len(lines) >= 2 and lines[0].startswith("--- ") and lines[1].startswith("+++ "):
        lines = lines[2:]
    drawn: list[DiffLine] = []
    old = new = 0
    for line in lines:
        hunk = HUNK.match(line)
        if hunk:
            old, new = int(hunk[1]), int(hunk[2])
            drawn.append(DiffLine(kind="hunk", text=line, old="", new=""))
        elif line.startswith("+"):
            drawn.append(DiffLine(kind="added", text=line, old="", new=str(new)))
            new += 1
        elif line.startswith("-"):
            drawn.append(DiffLine(kind="removed", text=line, old=str(old), new=""))
            old += 1
        else:
            drawn.append(DiffLine(kind="context", text=line, old=str(old), new=str(new)))
            old, new = old + 1, new + 1
    return drawn


def diff_summary(added: int, removed: int) -> str:
    """``"2 lines added, 1 removed"``; ``"The code is the same."`` when neither."""
    if not added and not removed:
        return "The code is the same."
    return f"{added} line{'s' if added != 1 else ''} added, {removed} removed"


def run_version(run: Mapping[str, Any]) -> str:
    """The version(s) a run used and the bundle that produced them, as ``version 2 · bundle
    dags-folder`` or ``version 7 · bundle repo@3f2a9c1``; empty when the run names none (an
    Airflow 2 run, or one whose tasks were never created)."""
    versions: list[DagVersion] = sorted(
        run.get("dag_versions") or [], key=lambda v: v["version_number"]
    )
    if not versions:
        return ""
    numbers = ", ".join(str(v["version_number"]) for v in versions)
    text = f"version{'s' if len(versions) > 1 else ''} {numbers}"
    latest = versions[-1]
    if not latest.get("bundle_name"):
        return text
    text += f" · bundle {latest['bundle_name']}"
    at = run.get("bundle_version") or latest.get("bundle_version")
    return f"{text}@{at}" if at else text

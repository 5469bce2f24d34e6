"""What the screens show of the API's deployments: each one's badge (environment label on its
colour, the text legible on it), its health line, and which deployment the DAG list shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airdeck_domain.merging import ALL_DEPLOYMENTS
from airdeck_web.models import DeploymentBadge, HealthLine

NEUTRAL = "#757575"
"""The badge colour of a deployment configured without one."""
ALL_LABEL = "All deployments"


def text_color(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (``#rgb`` or ``#rrggbb``), by
    the WCAG relative luminance of the colour."""
    digits = background.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    # Contrast with black is (L + 0.05) / 0.05, with white 1.05 / (L + 0.05): the larger wins.
    return "#000000" if (luminance + 0.05) ** 2 > 0.0525 else "#ffffff"


def badge(summary: dict[str, Any]) -> DeploymentBadge:
    """The badge of a deployment of ``GET /deployments``: its environment label (its name when
    it has none) on its colour, and a tooltip naming the deployment."""
    color = summary.get("color") or NEUTRAL
    name = str(summary.get("name") or summary["id"])
    return {
        "id": str(summary["id"]),
        "label": str(summary.get("environment") or name),
        "color": color,
        "text": text_color(color),
        "title": f"Deployment {name}",
    }


def badge_fields(summaries: Sequence[dict[str, Any]], deployment: str) -> dict[str, str]:
    """The badge of ``deployment`` as fields of a row (``badge_label``, ``badge_color``,
    ``badge_text``, ``badge_title``); a neutral one naming it when it is not among
    ``summaries``."""
    summary = next((s for s in summaries if s["id"] == deployment), {"id": deployment})
    return {f"badge_{key}": str(value) for key, value in badge(summary).items() if key != "id"}


def health_line(summary: dict[str, Any]) -> HealthLine:
    """A deployment as the dashboard lists it: its badge, and how it is doing in words."""
    health = summary.get("health") or {}
    status = "down" if not health.get("reachable", False) else str(health.get("status", "unknown"))
    facts = [f"Airflow {summary['airflow_version']}"] if summary.get("airflow_version") else []
    count = summary.get("dag_count")
    if count is not None:
        facts.append(f"{count} DAG{'' if count == 1 else 's'}")
    return {
        **badge(summary),
        "name": str(summary.get("name") or summary["id"]),
        "status": status,
        "facts": " · ".join(facts),
        "detail": str(health.get("message") or summary.get("problem") or status),
    }


def settled_choice(asked: str, current: str, ids: Sequence[str]) -> str:
    """Which deployment the DAG list shows: the one ``asked`` (in the page's URL) when it is
    one the user may see or all of them, else the ``current`` choice while it still is, else
    every deployment when there are several (the only one when there is one, none when none)."""
    for candidate in (asked, current):
        if candidate == ALL_DEPLOYMENTS or candidate in ids:
            return candidate
    if len(ids) > 1:
        return ALL_DEPLOYMENTS
    return ids[0] if ids else ""


def choices(summaries: Sequence[dict[str, Any]]) -> list[list[str]]:
    """The switcher's choices as ``[value, label]``: every deployment, then each one."""
    return [[ALL_DEPLOYMENTS, ALL_LABEL]] + [
        [str(s["id"]), str(s.get("name") or s["id"])] for s in summaries
    ]

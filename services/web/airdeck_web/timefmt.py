"""Human times: exact UTC times for tooltips, and durations ("1m 23s"). Relative times ("3 min
ago") are the browser's (``components.times``)."""

from __future__ import annotations

from datetime import UTC, datetime


def exact(iso: str | None) -> str:
    """``iso`` as an exact UTC time for a tooltip (``2026-11-24 11:23:05 UTC``), or empty."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def duration(seconds: float | None) -> str:
    """``83.2`` → ``"1m 23s"``."""
    if seconds is None:
        return "—"
    total = round(seconds)
    minutes, secs = divmod(total, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {secs}s"
    return f"{seconds:.1f}s"

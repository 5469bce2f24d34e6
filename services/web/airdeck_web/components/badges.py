"""State colours and badges, shared by every screen."""

from __future__ import annotations

import reflex as rx

STATE_COLORS = {
    "success": "green",
    "failed": "red",
    "running": "blue",
    "queued": "gray",
    "scheduled": "gray",
    "up_for_retry": "amber",
    "upstream_failed": "orange",
    "skipped": "pink",
    "partial": "amber",
    "deferred": "violet",
    "none": "gray",
}
STATE_HEX = {
    "success": "#2e7d32",
    "failed": "#c62828",
    "running": "#1565c0",
    "queued": "#757575",
    "scheduled": "#9e9e9e",
    "up_for_retry": "#f9a825",
    "upstream_failed": "#ef6c00",
    "skipped": "#ad1457",
    "partial": "#f9a825",
    "deferred": "#6a1b9a",
}


def state_badge(state: rx.Var[str] | str) -> rx.Component:
    """A coloured badge for a run or task state."""
    return rx.badge(
        state,
        color_scheme=rx.match(state, *[(k, v) for k, v in STATE_COLORS.items()], "gray"),
        variant="soft",
        # Radix's soft badge text is too faint on its tint for small type (axe-core's contrast).
        high_contrast=True,
        class_name="state-badge",
    )

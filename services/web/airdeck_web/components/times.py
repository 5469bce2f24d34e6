"""Relative times that show the exact time on hover, the same on every screen."""

from __future__ import annotations

import reflex as rx


def relative_time(when: rx.Var[str] | str, exact: rx.Var[str] | str) -> rx.Component:
    """``when`` ("3 min ago") with ``exact`` ("2026-11-24 11:23:05 UTC") in a tooltip."""
    return rx.tooltip(
        rx.text(when, size="2", class_name="relative-time", white_space="nowrap"),
        content=rx.cond(exact, exact, "no time recorded"),
    )

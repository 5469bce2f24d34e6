"""Relative times that show the exact time on hover, the same on every screen."""

from __future__ import annotations

import reflex as rx

REDRAW_MS = 30_000
"""How often the browser rewrites "3 min ago": it stays true between polls, with no server
round trip."""


def relative_time(iso: rx.Var[str] | str, exact: rx.Var[str] | str) -> rx.Component:
    """The ISO time ``iso`` as "3 min ago" (or "in 2 hours"), rendered and kept current by the
    browser, with ``exact`` ("2026-11-24 11:23:05 UTC") in a tooltip; an em dash when there is
    no time."""
    return rx.tooltip(
        rx.text(
            rx.cond(
                iso,
                rx.moment(iso, from_now=True, interval=REDRAW_MS),
                "—",
            ),
            size="2",
            class_name="relative-time",
            white_space="nowrap",
        ),
        content=rx.cond(exact, exact, "no time recorded"),
    )

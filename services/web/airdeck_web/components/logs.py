"""The log viewer: monospace on dark, line numbers, level colours, group headers, search."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.states.run import RunState

LEVEL_COLORS = {"error": "#ff6b6b", "critical": "#ff6b6b", "warning": "#ffd166", "debug": "#8d99ae"}


def _line(line: Any, index: rx.Var[int]) -> rx.Component:
    matched = (RunState.log_search != "") & line["text"].to(str).lower().contains(
        RunState.log_search.lower()
    )
    return rx.hstack(
        rx.text(
            index + RunState.log_first_number,
            color="#6c757d",
            width="48px",
            text_align="right",
            flex_shrink="0",
        ),
        rx.text(
            rx.cond(
                line["group"] == "start",
                "▾ " + line["text"].to(str),
                rx.html(line["html"].to(str), as_="span"),
            ),
            color=rx.match(line["level"], *list(LEVEL_COLORS.items()), "#e9ecef"),
            font_weight=rx.cond(line["group"] == "start", "bold", "normal"),
            background=rx.cond(matched, "rgba(255, 209, 102, 0.25)", "transparent"),
            white_space="pre-wrap",
            class_name="log-line",
        ),
        spacing="3",
        font_family="monospace",
        font_size="12px",
    )


def log_viewer() -> rx.Component:
    """The open task's log, following it while the task runs."""
    return rx.vstack(
        rx.hstack(
            rx.input(
                placeholder="Search log…",
                value=RunState.log_search,
                on_change=RunState.set_log_search,
                size="1",
            ),
            rx.text(RunState.log_matches, " matches", size="1"),
            rx.spacer(),
            rx.cond(
                RunState.log_complete,
                rx.badge("complete"),
                rx.badge("live", color_scheme="green", id="log-live"),
            ),
            width="100%",
            align="center",
        ),
        rx.box(
            rx.foreach(RunState.log_lines, _line),
            background="#161b22",
            padding="8px",
            border_radius="6px",
            height="45vh",
            overflow_y="auto",
            width="100%",
            id="log-view",
        ),
        width="100%",
    )

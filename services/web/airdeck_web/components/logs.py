"""The log viewer: monospace on dark, line numbers, ANSI and level colours, foldable groups,
live tail that pauses while the reader scrolls up, whole-log search, raw download."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_components_core.core.auto_scroll import AutoScroll

from airdeck_web.states.logs import LogState

LEVEL_COLORS = {"error": "#ff6b6b", "critical": "#ff6b6b", "warning": "#ffd166", "debug": "#8d99ae"}
RESUME_ID = "log-resume"
GROUP_HEADER_STYLE = {
    "all": "unset",
    "color": "#8ecae6",
    "font_weight": "bold",
    "cursor": "pointer",
    "white_space": "pre-wrap",
    "word_break": "break-all",
    "&:focus-visible": {"outline": "2px solid #8ecae6", "outline_offset": "2px"},
}
"""A log group's header: a button drawn as a line of the log, with a ring when focused."""


class LogScroll(AutoScroll):
    """Reflex's auto-scrolling box (it follows new content only while the reader is at the
    bottom), plus the "↓ Resume" button shown whenever the reader has scrolled up."""

    def add_hooks(self) -> list[str | rx.Var[Any]]:
        ref = self.get_ref()
        return [
            *super().add_hooks(),
            f"""
useEffect(() => {{
    const container = {ref}.current;
    if (!container) return;
    const showResume = () => {{
        const away = container.scrollHeight - container.scrollTop - container.clientHeight > 50;
        const button = document.getElementById("{RESUME_ID}");
        if (button) button.style.display = away ? "inline-flex" : "";
    }};
    container.addEventListener("scroll", showResume);
    return () => container.removeEventListener("scroll", showResume);
}});
""",
        ]


def _row(row: Any) -> rx.Component:
    number = row["number"].to(int)
    is_header = row["group"] == "start"
    is_match = LogState.found.contains(number)
    folded = LogState.folded.contains(number)
    return rx.hstack(
        rx.text(number, color="#6c757d", width="52px", text_align="right", flex_shrink="0"),
        rx.cond(
            is_header,
            # A real button: Tab reaches it, Enter and Space fold, a screen reader says whether
            # the group is open.
            rx.el.button(
                rx.el.span(rx.cond(folded, "▸ ", "▾ "), aria_hidden="true"),
                row["text"].to(str),
                type="button",
                on_click=LogState.toggle_fold(number),
                aria_expanded=rx.cond(folded, "false", "true"),
                class_name="log-line log-group",
                data_folded=folded.to(str),
                style=GROUP_HEADER_STYLE,
            ),
            rx.text(
                rx.html(row["html"].to(str), as_="span"),
                color=rx.match(row["level"], *list(LEVEL_COLORS.items()), "#e9ecef"),
                white_space="pre-wrap",
                word_break="break-all",
                class_name="log-line",
            ),
        ),
        spacing="3",
        font_family="monospace",
        font_size="12px",
        background=rx.cond(
            LogState.current_line == number,
            "rgba(255, 209, 102, 0.45)",
            rx.cond(is_match, "rgba(255, 209, 102, 0.18)", "transparent"),
        ),
        id="log-line-" + number.to(str),
        # Keyed by number, the rows already drawn stay when the window drops its oldest.
        key=number,
        width="100%",
    )


def log_viewer() -> rx.Component:
    """The open task instance's log, following it while the task runs."""
    return rx.vstack(
        rx.hstack(
            rx.input(
                # Not bound to ``LogState.search``: the server's answer to one keystroke would
                # overwrite the keys typed since. A new key remounts it empty for each log.
                key=LogState.log_key,
                placeholder="Search the whole log…",
                on_change=LogState.set_search.debounce(400),
                size="1",
                id="log-search",
                width="220px",
            ),
            *[
                rx.icon_button(
                    rx.icon(icon),
                    size="1",
                    variant="soft",
                    on_click=step,
                    disabled=LogState.found_total == 0,
                    aria_label=f"{name} match",
                    id=f"log-{name}",
                )
                for icon, step, name in (
                    ("chevron-up", LogState.previous_match, "previous"),
                    ("chevron-down", LogState.next_match, "next"),
                )
            ],
            rx.text(LogState.match_label, size="1", id="log-matches"),
            rx.spacer(),
            rx.cond(
                LogState.tries.length() > 1,
                rx.hstack(
                    # Reflex's Text knows no html_for (it would land in its style).
                    rx.text("Try", size="1", as_="label", custom_attrs={"htmlFor": "log-try"}),
                    rx.select(
                        LogState.tries,
                        value=LogState.try_shown,
                        on_change=LogState.choose_try,
                        size="1",
                        id="log-try",
                    ),
                    align="center",
                    spacing="1",
                ),
            ),
            rx.button(
                "Download",
                size="1",
                variant="soft",
                on_click=LogState.download,
                id="log-download",
            ),
            rx.cond(
                LogState.complete,
                rx.badge("complete"),
                rx.badge("live", color_scheme="green", id="log-live"),
            ),
            width="100%",
            align="center",
        ),
        rx.cond(LogState.message != "", rx.callout(LogState.message, size="1", color_scheme="red")),
        rx.box(
            LogScroll.create(
                rx.cond(
                    LogState.has_rows,
                    rx.foreach(LogState.shown_rows, _row),
                    rx.text("No log lines yet.", color="#8d99ae", font_size="12px"),
                ),
                background="#161b22",
                padding="8px",
                border_radius="6px",
                height="45vh",
                width="100%",
                id="log-view",
            ),
            rx.button(
                "↓ Resume",
                size="1",
                on_click=LogState.resume,
                position="absolute",
                bottom="12px",
                right="20px",
                display=rx.cond(LogState.at_end, "none", "inline-flex"),
                id=RESUME_ID,
            ),
            position="relative",
            width="100%",
        ),
        rx.text(LogState.range_label, size="1", color_scheme="gray", id="log-range"),
        width="100%",
    )

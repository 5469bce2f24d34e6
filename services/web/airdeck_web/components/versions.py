"""The Versions tab of a DAG page: the version history with each version's bundle, the code of
a chosen version, and the diff between any two with added and removed lines coloured. Colours
are theme variables, so dark mode draws in its own shades; a changed line keeps its ``+``/``-``
so the change reads without colour too."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventType

from airdeck_web.components.tables import data_table
from airdeck_web.components.times import relative_time
from airdeck_web.states.versions import VersionsState

RESTORE_NOTE = (
    "Airdeck cannot restore a version: Airflow runs whatever the DAG's file or bundle holds "
    "now. To go back, change the file (or point the bundle at an earlier version); Airflow "
    "then records a new version."
)
LINE_BACKGROUND = (
    ("added", "var(--green-a4)"),
    ("removed", "var(--red-a4)"),
    ("hunk", "var(--blue-a3)"),
)
LINE_COLOR = (
    ("added", "var(--green-12)"),
    ("removed", "var(--red-12)"),
    ("hunk", "var(--blue-12)"),
)
NUMBER_STYLE = {
    "color": "var(--gray-11)",
    "text_align": "right",
    "padding_right": "8px",
    "user_select": "none",
}


def version_row(row: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text("v", row["number"], weight="bold")),
        rx.table.cell(rx.code(row["bundle_name"], variant="ghost")),
        rx.table.cell(row["bundle_version"]),
        rx.table.cell(relative_time(row["created"], row["created_exact"])),
        class_name="version-row",
        data_version=row["number"],
    )


def version_picker(
    label: str, value: rx.Var[str], on_change: EventType[str], id_: str
) -> rx.Component:
    """A labelled choice of one of the DAG's versions, newest first."""
    return rx.hstack(
        rx.text(label, size="2"),
        rx.select.root(
            rx.select.trigger(id=id_, aria_label=label),
            rx.select.content(
                rx.foreach(
                    VersionsState.version_numbers,
                    lambda n: rx.select.item("v" + n, value=n, class_name="version-choice"),
                )
            ),
            value=value,
            on_change=on_change,
            size="1",
        ),
        align="center",
        spacing="2",
    )


def diff_line(line: Any) -> rx.Component:
    """One line of the diff: its numbers in the old and the new version, then its text."""
    kind = line["kind"]
    return rx.el.div(
        rx.el.span(line["old"], style=NUMBER_STYLE),
        rx.el.span(line["new"], style=NUMBER_STYLE),
        rx.el.span(line["text"], white_space="pre"),
        display="grid",
        grid_template_columns="3.5em 3.5em 1fr",
        background=rx.match(kind, *LINE_BACKGROUND, "transparent"),
        color=rx.match(kind, *LINE_COLOR, "var(--gray-12)"),
        class_name="diff-line",
        data_kind=kind,
    )


def diff_view() -> rx.Component:
    return rx.box(
        rx.foreach(VersionsState.diff_lines, diff_line),
        font_family="var(--code-font-family)",
        font_size="13px",
        line_height="1.6",
        width="100%",
        overflow_x="auto",
        border="1px solid var(--gray-a5)",
        border_radius="var(--radius-2)",
        padding_y="4px",
        id="version-diff",
    )


def history_section() -> rx.Component:
    return rx.vstack(
        rx.heading("History", size="3"),
        rx.cond(
            VersionsState.history.length() > 0,
            data_table(
                ("Version", "Bundle", "Bundle version", "Created"),
                VersionsState.history,
                version_row,
                id="versions-table",
            ),
            rx.text("Airflow keeps no versions of this DAG yet.", color_scheme="gray"),
        ),
        width="100%",
    )


def code_section() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Code", size="3"),
            version_picker(
                "Version", VersionsState.code_version, VersionsState.show_code, "code-version"
            ),
            align="center",
            spacing="4",
        ),
        rx.box(
            rx.code_block(
                VersionsState.code,
                language="python",
                show_line_numbers=True,
                # Coldark's light and dark themes keep every token above 4.5:1 contrast;
                # Reflex's default (One Light/One Dark) draws comments near 2.3:1.
                theme=rx.color_mode_cond(
                    light=rx.code_block.themes.coldark_cold,
                    dark=rx.code_block.themes.coldark_dark,
                ),
                width="100%",
                margin="0",
            ),
            width="100%",
            overflow_x="auto",
            id="version-code",
        ),
        width="100%",
    )


def diff_section() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Diff", size="3"),
            version_picker(
                "From", VersionsState.diff_from, VersionsState.set_diff_from, "diff-from"
            ),
            version_picker("To", VersionsState.diff_to, VersionsState.set_diff_to, "diff-to"),
            rx.text(VersionsState.diff_text, size="2", color_scheme="gray", id="diff-summary"),
            align="center",
            spacing="4",
            wrap="wrap",
        ),
        rx.cond(VersionsState.diff_lines.length() > 0, diff_view()),
        width="100%",
    )


def versions_tab() -> rx.Component:
    return rx.vstack(
        rx.cond(
            VersionsState.versions_error != "",
            rx.callout(VersionsState.versions_error, color_scheme="red", id="versions-error"),
        ),
        rx.callout(RESTORE_NOTE, icon="info", size="1", id="restore-note"),
        history_section(),
        rx.cond(
            VersionsState.version_numbers.length() > 0,
            rx.fragment(code_section(), diff_section()),
        ),
        width="100%",
        spacing="4",
        id="versions",
    )

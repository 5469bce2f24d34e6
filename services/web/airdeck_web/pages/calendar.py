"""/calendar: when each DAG will run and how its runs ended, a week or a month at a time."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.components.badges import STATE_COLORS
from airdeck_web.components.layout import layout
from airdeck_web.states.calendar import CalendarState

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _entry(entry: Any) -> rx.Component:
    """A run (coloured by its state, linking to it) or an expected run (outlined, linking to
    its DAG)."""
    return rx.link(
        rx.badge(
            rx.text(entry["time"], weight="bold", as_="span"),
            " ",
            rx.text(entry["label"], as_="span", trim="both"),
            color_scheme=rx.match(
                entry["state"], *[(k, v) for k, v in STATE_COLORS.items()], "gray"
            ),
            variant=rx.cond(entry["expected"], "outline", "soft"),
            high_contrast=True,
            title=entry["dag_id"] + " · " + entry["state"],
            width="100%",
            overflow="hidden",
            white_space="nowrap",
        ),
        href=entry["href"],
        class_name=rx.cond(
            entry["expected"],
            "calendar-entry calendar-expected",
            "calendar-entry calendar-run",
        ),
        underline="none",
        data_state=entry["state"],
        data_dag=entry["dag_id"],
    )


def _day(day: Any) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(
                day["number"],
                size="2",
                weight=rx.cond(day["today"], "bold", "regular"),
                color_scheme=rx.cond(day["today"], "blue", "gray"),
            ),
            rx.spacer(),
            rx.cond(
                day["more"] != "",
                rx.button(
                    "+",
                    day["more"],
                    " more",
                    on_click=CalendarState.show_week(day["day"]),
                    size="1",
                    variant="ghost",
                    class_name="calendar-more",
                ),
            ),
            width="100%",
        ),
        rx.foreach(day["entries"], _entry),
        rx.cond(
            day["crowded"] != "",
            rx.text(day["crowded"], size="1", color_scheme="gray", class_name="calendar-crowded"),
        ),
        spacing="1",
        padding="6px",
        min_height="110px",
        border="1px solid var(--gray-5)",
        # Days outside the month on a grey ground, not faded: faded text is too faint to read.
        background=rx.cond(day["in_month"], "var(--color-panel)", "var(--gray-3)"),
        class_name="calendar-day",
        data_day=day["day"],
        min_width="0",
    )


def _week(week: Any) -> rx.Component:
    return rx.grid(
        rx.foreach(week, _day), columns="7", spacing="1", width="100%", class_name="calendar-week"
    )


def _filters() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(
                name="tag", placeholder="Tag", default_value=CalendarState.tag, id="calendar-tag"
            ),
            rx.input(
                name="team",
                placeholder="Team",
                default_value=CalendarState.team,
                id="calendar-team",
            ),
            rx.input(
                name="environment",
                placeholder="Environment",
                default_value=CalendarState.environment,
                id="calendar-environment",
            ),
            rx.button("Filter", type="submit", variant="soft", id="calendar-filter"),
            spacing="2",
        ),
        on_submit=CalendarState.apply_filters,
    )


def calendar_page() -> rx.Component:
    """The calendar with its navigation, view switch and filters."""
    return layout(
        rx.vstack(
            rx.hstack(
                rx.heading("Schedule calendar", size="6"),
                rx.spacer(),
                rx.segmented_control.root(
                    rx.segmented_control.item("Week", value="week"),
                    rx.segmented_control.item("Month", value="month"),
                    value=CalendarState.view,
                    on_change=CalendarState.set_view,
                    id="calendar-view",
                ),
                rx.button(
                    rx.icon("chevron-left"),
                    on_click=CalendarState.step(-1),
                    variant="soft",
                    aria_label="Back",
                    id="calendar-back",
                ),
                rx.button(
                    "Today", on_click=CalendarState.step(0), variant="soft", id="calendar-today"
                ),
                rx.button(
                    rx.icon("chevron-right"),
                    on_click=CalendarState.step(1),
                    variant="soft",
                    aria_label="Forward",
                    id="calendar-forward",
                ),
                width="100%",
                align="center",
            ),
            rx.hstack(
                rx.text(CalendarState.heading, size="3", weight="medium", id="calendar-heading"),
                rx.cond(CalendarState.loading, rx.spinner(size="2")),
                rx.spacer(),
                _filters(),
                width="100%",
                align="center",
            ),
            rx.cond(
                CalendarState.error != "",
                rx.callout(
                    CalendarState.error,
                    color_scheme="red",
                    icon="triangle_alert",
                    id="calendar-error",
                ),
            ),
            rx.foreach(CalendarState.notes, lambda note: rx.callout(note, icon="info", size="1")),
            rx.hstack(
                rx.badge("Expected", variant="outline", color_scheme="gray"),
                rx.badge("Success", variant="soft", color_scheme="green", high_contrast=True),
                rx.badge("Failed", variant="soft", color_scheme="red", high_contrast=True),
                rx.badge("Running", variant="soft", color_scheme="blue", high_contrast=True),
                spacing="2",
            ),
            rx.grid(
                *[rx.text(d, size="1", weight="bold", color_scheme="gray") for d in WEEKDAYS],
                columns="7",
                spacing="1",
                width="100%",
            ),
            rx.foreach(CalendarState.weeks, _week),
            spacing="3",
            width="100%",
            id="calendar",
        )
    )

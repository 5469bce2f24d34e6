"""Tables of API items: a header of column titles and a row per item, and header cells that
order a table by their column."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx
from reflex.event import EventType

SORT_BUTTON_STYLE = {
    "all": "unset",
    "box_sizing": "border-box",
    "width": "100%",
    "cursor": "pointer",
    "border_radius": "3px",
    "&:focus-visible": {"outline": "2px solid var(--accent-9)", "outline_offset": "2px"},
}
"""A sortable header's button: drawn as the header's text, across the whole cell (a click
anywhere in it sorts), with a ring when focused."""


def data_table(
    titles: Sequence[str],
    items: rx.Var[Sequence[dict[str, Any]]],
    row: Callable[[Any], rx.Component],
    **props: Any,
) -> rx.Component:
    """A full-width table with ``titles`` as its header and ``row(item)`` for each item."""
    return rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(t) for t in titles])),
        rx.table.body(rx.foreach(items, row)),
        width="100%",
        **props,
    )


def sortable_header(
    title: str,
    column: str,
    sorted_by: rx.Var[str],
    descending: rx.Var[bool],
    on_sort: EventType[()],
) -> rx.Component:
    """A header cell (class ``sort-<column>``) whose button runs ``on_sort`` by mouse, Enter or
    Space; it shows an arrow and tells assistive technology (``aria-sort``) when the table is
    ordered by ``column`` (``sorted_by``), ascending or ``descending``."""
    is_sorted = sorted_by == column
    return rx.table.column_header_cell(
        rx.el.button(
            title,
            rx.el.span(rx.cond(is_sorted, rx.cond(descending, " ↓", " ↑"), ""), aria_hidden="true"),
            type="button",
            on_click=on_sort,
            style=SORT_BUTTON_STYLE,
        ),
        class_name=f"sort-{column}",
        aria_sort=rx.cond(is_sorted, rx.cond(descending, "descending", "ascending"), "none"),
    )

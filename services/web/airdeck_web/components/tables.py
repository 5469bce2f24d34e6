"""Tables of API items: a header of column titles and a row per item."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx


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

"""The label of a form field, shared by every form the pages draw by hand."""

from __future__ import annotations

import reflex as rx


def field_label(text: str, html_for: str) -> rx.Component:
    """A small grey ``<label>`` for the control whose id is ``html_for``."""
    # Reflex's Text knows no html_for (it would land in its style): the attribute as is.
    return rx.text(
        text, size="1", color_scheme="gray", as_="label", custom_attrs={"htmlFor": html_for}
    )

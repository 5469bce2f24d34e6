"""A confirmation asked before a change that is hard to undo."""

from __future__ import annotations

from typing import Any

import reflex as rx


def confirm_dialog(
    title: Any,
    description: Any,
    action: Any,
    on_confirm: Any,
    *,
    open_: Any,
    on_open_change: Any,
    confirm_id: str,
    danger: bool = False,
) -> rx.Component:
    """An alert dialog, open while ``open_`` holds, asking ``title`` with ``description``
    under it: "Back" closes it, the ``action`` button (id ``confirm_id``; red when it
    destroys something, ``danger``) runs ``on_confirm``."""
    red: dict[str, Any] = {"color_scheme": "red", "high_contrast": True} if danger else {}
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description, size="2"),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Back", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        action,
                        on_click=on_confirm,
                        id=confirm_id,
                        **red,
                    )
                ),
                justify="end",
                spacing="3",
                margin_top="16px",
            ),
            max_width="440px",
        ),
        open=open_,
        on_open_change=on_open_change,
    )

"""The frame around every signed-in page: top bar, dark-mode toggle, sign-out."""

from __future__ import annotations

import reflex as rx

from airdeck_web.components.session import session_dialog
from airdeck_web.states.auth import AuthState


def layout(*children: rx.Component) -> rx.Component:
    """A page with Airdeck's top bar, and the dialog that renews an expiring sign-in."""
    return rx.box(
        rx.hstack(
            rx.link(rx.heading("Airdeck", size="5"), href="/workflows", underline="none"),
            rx.text("DAGs", color_scheme="gray"),
            rx.spacer(),
            rx.text(AuthState.user, " · ", AuthState.role, size="2", id="whoami"),
            # Reflex's stub types rx.color_mode as a plain Var, not its namespace of components.
            rx.color_mode.button(size="2", variant="ghost"),  # type: ignore[attr-defined]
            rx.button("Sign out", on_click=AuthState.sign_out, size="1", variant="soft"),
            padding="12px 24px",
            border_bottom="1px solid var(--gray-5)",
            align="center",
            width="100%",
        ),
        rx.box(*children, padding="20px 24px", max_width="1400px", margin="0 auto"),
        session_dialog(),
        min_width="1024px",
    )

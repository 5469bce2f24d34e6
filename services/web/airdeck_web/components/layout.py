"""The frame around every signed-in page: top bar, dark-mode toggle, sign-out, keyboard
shortcuts; from a wide screen down to a tablet's width."""

from __future__ import annotations

import reflex as rx

from airdeck_web.components.deployments import deployment_switcher
from airdeck_web.components.inbox import inbox_link
from airdeck_web.components.session import session_dialog, silent_renewal
from airdeck_web.components.shortcuts import keyboard_shortcuts
from airdeck_web.states.auth import AuthState


def layout(*children: rx.Component) -> rx.Component:
    """A page with Airdeck's top bar, the dialog that renews an expiring sign-in, and the
    keyboard shortcuts."""
    return rx.box(
        rx.hstack(
            rx.link(rx.heading("Airdeck", size="5"), href="/workflows", underline="none"),
            rx.link("DAGs", href="/workflows", color_scheme="gray", id="nav-dags"),
            rx.link("Calendar", href="/calendar", color_scheme="gray", id="nav-calendar"),
            rx.link("Alerts", href="/alerts", color_scheme="gray", id="nav-alerts"),
            rx.link("Connectors", href="/connectors", color_scheme="gray", id="nav-connectors"),
            rx.cond(
                AuthState.can_read_audit,
                rx.link("Audit", href="/audit", color_scheme="gray", id="nav-audit"),
            ),
            inbox_link(),
            deployment_switcher(),
            rx.spacer(),
            rx.text(AuthState.user, " · ", AuthState.role, size="2", id="whoami"),
            # Reflex's stub types rx.color_mode as a plain Var, not its namespace of components.
            rx.color_mode.button(  # type: ignore[attr-defined]
                size="2", variant="ghost", aria_label="Toggle dark mode"
            ),
            rx.button("Sign out", on_click=AuthState.sign_out, size="1", variant="soft"),
            padding=rx.breakpoints(initial="12px 16px", md="12px 24px"),
            border_bottom="1px solid var(--gray-5)",
            align="center",
            # Down to a tablet's width the bar wraps rather than widening the page.
            wrap="wrap",
            width="100%",
        ),
        rx.box(
            *children,
            padding=rx.breakpoints(initial="16px", md="20px 24px"),
            max_width="1400px",
            margin="0 auto",
        ),
        session_dialog(),
        silent_renewal(),
        keyboard_shortcuts(),
    )

"""Sign-in."""

from __future__ import annotations

import reflex as rx

from airdeck_web.states.auth import AuthState


def login() -> rx.Component:
    """Username and password → a token kept in server-side state."""
    return rx.center(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading("Sign in to Airdeck", size="6"),
                    rx.input(
                        placeholder="Username",
                        name="username",
                        id="username",
                        required=True,
                        width="100%",
                    ),
                    rx.input(
                        placeholder="Password",
                        name="password",
                        id="password",
                        type="password",
                        required=True,
                        width="100%",
                    ),
                    rx.cond(
                        AuthState.sign_in_error != "",
                        rx.callout(AuthState.sign_in_error, color_scheme="red", id="sign-in-error"),
                    ),
                    rx.button("Sign in", type="submit", width="100%", id="sign-in"),
                    spacing="3",
                    width="320px",
                ),
                on_submit=AuthState.sign_in,
            ),
        ),
        height="100vh",
    )

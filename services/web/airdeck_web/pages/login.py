"""Sign-in: a username and password form (local mode) or a button to the OpenID provider (OIDC
mode), and the page the provider sends the browser back to."""

from __future__ import annotations

import reflex as rx

from airdeck_web.settings import settings
from airdeck_web.states.auth import AuthState


def _error() -> rx.Component:
    # rx.cond comes from a Reflex package without a py.typed marker, so mypy sees it untyped.
    error: rx.Component = rx.cond(
        AuthState.sign_in_error != "",
        rx.callout(AuthState.sign_in_error, color_scheme="red", id="sign-in-error"),
    )
    return error


def _password_form() -> rx.Component:
    return rx.form(
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
            _error(),
            rx.button("Sign in", type="submit", width="100%", id="sign-in"),
            spacing="3",
            width="320px",
        ),
        on_submit=AuthState.sign_in,
    )


def _provider_button(provider_name: str) -> rx.Component:
    return rx.vstack(
        rx.heading("Sign in to Airdeck", size="6"),
        _error(),
        rx.button(
            f"Sign in with {provider_name}",
            on_click=AuthState.start_provider_sign_in,
            width="100%",
            id="sign-in-with-provider",
        ),
        spacing="3",
        width="320px",
    )


def login() -> rx.Component:
    """Local mode: username and password → a token kept in server-side state. OIDC mode: the
    browser goes to the provider and comes back to /auth/callback."""
    oidc = settings().oidc
    body = _provider_button(oidc.provider_name) if oidc else _password_form()
    return rx.center(rx.card(body), height="100vh")


def callback() -> rx.Component:
    """Shown for the moment the backend checks the provider's answer and trades the code."""
    return rx.center(
        rx.hstack(rx.spinner(), rx.text("Signing you in…"), spacing="2"),
        height="100vh",
    )

"""The dialog that renews a sign-in over whatever page is open, so nothing on it is lost, and
the hidden frame that renews it silently at the OpenID provider first."""

from __future__ import annotations

import reflex as rx

from airdeck_web.settings import settings
from airdeck_web.states.auth import AuthState


def _error() -> rx.Component:
    # rx.cond comes from a Reflex package without a py.typed marker, so mypy sees it untyped.
    error: rx.Component = rx.cond(
        AuthState.reauth_error != "",
        rx.callout(AuthState.reauth_error, color_scheme="red", id="session-error"),
    )
    return error


def _password_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text("Enter your password to go on where you are, as ", AuthState.user, "."),
            rx.input(
                placeholder="Password",
                name="password",
                id="session-password",
                type="password",
                required=True,
                width="100%",
                aria_label="Password",
            ),
            _error(),
            rx.hstack(
                rx.button("Sign out", on_click=AuthState.sign_out, variant="soft", type="button"),
                rx.button("Go on", type="submit", id="session-renew"),
                justify="end",
                width="100%",
            ),
            spacing="3",
        ),
        on_submit=AuthState.renew_with_password,
        reset_on_submit=True,
    )


def _provider_button(provider_name: str) -> rx.Component:
    return rx.vstack(
        rx.text(f"Sign in at {provider_name} again to come back to this page."),
        _error(),
        rx.hstack(
            rx.button("Sign out", on_click=AuthState.sign_out, variant="soft"),
            rx.button(
                f"Sign in with {provider_name}",
                on_click=AuthState.start_provider_sign_in,
                id="session-sign-in-with-provider",
            ),
            justify="end",
            width="100%",
        ),
        spacing="3",
    )


def session_dialog() -> rx.Component:
    """Open while the sign-in must be renewed: the password again (local mode), or a sign-in
    at the provider that comes back to this page (OIDC mode, when no refresh token renewed
    it)."""
    oidc = settings().oidc
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Your session has expired"),
            _provider_button(oidc.provider_name) if oidc else _password_form(),
            id="session-dialog",
            max_width="420px",
        ),
        open=AuthState.session_expired,
    )


ANSWER_ID = "silent-renewal-answer"

# Installed once per page load (see components.shortcuts). The frame's page posts the provider's
# answer here, and a field's input event is how a script hands a value to a Reflex event: the
# value is set through the native setter so React sees the change.
LISTENER = f"""
(() => {{
  if (window.airdeckSilentRenewal) return;
  window.airdeckSilentRenewal = true;
  window.addEventListener("message", (event) => {{
    if (event.origin !== window.location.origin) return;
    if (!event.data || event.data.type !== "airdeck-silent-renewal") return;
    const frame = document.getElementById("silent-renewal");
    if (!frame || event.source !== frame.contentWindow) return;
    const answer = document.getElementById("{ANSWER_ID}");
    if (!answer) return;
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
    setValue.call(answer, String(event.data.query));
    answer.dispatchEvent(new Event("input", {{ bubbles: true }}));
  }});
}})();
"""


def silent_renewal() -> rx.Component:
    """OIDC mode: the hidden frame in which the provider answers a silent renewal, the field
    its answer comes through, and the listener between them; nothing in local mode."""
    nothing: rx.Component = rx.fragment()
    if settings().oidc is None:
        return nothing
    hidden = {"display": "none"}
    # rx.cond and rx.script come from Reflex packages without a py.typed marker.
    frame: rx.Component = rx.cond(
        AuthState.silent_renewal_url != "",
        rx.el.iframe(
            src=AuthState.silent_renewal_url,
            id="silent-renewal",
            title="Renewing your sign-in",
            tab_index=-1,
            aria_hidden="true",
            style=hidden,
        ),
    )
    listener: rx.Component = rx.script(LISTENER)
    renewal: rx.Component = rx.fragment(
        frame,
        rx.el.input(
            id=ANSWER_ID,
            on_change=AuthState.finish_silent_renewal,
            tab_index=-1,
            aria_hidden="true",
            style=hidden,
        ),
        listener,
    )
    return renewal

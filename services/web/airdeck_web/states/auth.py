"""Who is signed in. The token lives in backend-only state, never in a URL or the browser."""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx

from airdeck_web.api_client import AirdeckApi, ApiError
from airdeck_web.oidc import (
    NOT_STARTED,
    PendingSignIn,
    SignInError,
    authorization_url,
    code_from_callback,
    discover,
    end_session_url,
    exchange_code,
)
from airdeck_web.settings import settings
from airdeck_web.states.event import event


class AuthState(rx.State):
    """The signed-in user and what they may do."""

    user: rx.Field[str] = rx.field("")
    role: rx.Field[str] = rx.field("")
    permissions: rx.Field[list[str]] = rx.field(default_factory=list)
    scoped_permissions: rx.Field[list[str]] = rx.field(default_factory=list)
    sign_in_error: rx.Field[str] = rx.field("")
    # Backend-only (leading underscore): Reflex never sends these to the browser.
    _token: str = ""
    _pending_sign_in: dict[str, str] = {}
    _next_path: str = ""

    def api(self) -> AirdeckApi:
        """A client acting as this user, from this browser's address."""
        return AirdeckApi(self._token, client_ip=self._client_ip())

    def _client_ip(self) -> str:
        # Reflex takes it from the browser's connection (or from X-Forwarded-For when its own
        # trusted_proxy_hops says so), never from what the browser claims by itself.
        return self.router.session.client_ip

    @rx.var
    def can_trigger(self) -> bool:
        return "dags:trigger" in self.permissions or "dags:trigger" in self.scoped_permissions

    @rx.var
    def can_pause(self) -> bool:
        return "dags:pause" in self.permissions or "dags:pause" in self.scoped_permissions

    @rx.var
    def can_clear(self) -> bool:
        return "tasks:clear" in self.permissions or "tasks:clear" in self.scoped_permissions

    @rx.var
    def can_edit_metadata(self) -> bool:
        return "metadata:write" in self.permissions

    @rx.var
    def can_read_logs(self) -> bool:
        return "logs:read" in self.permissions or "logs:read" in self.scoped_permissions

    async def _load_me(self) -> None:
        async with self.api() as api:
            me = await api.me()
        self.user = str(me["subject"])
        self.role = str(me.get("role") or "scoped")
        self.permissions = list(me.get("permissions", []))
        self.scoped_permissions = list(me.get("scoped_permissions", []))

    def _forget(self) -> None:
        self._token = ""
        self.user = ""
        self.role = ""
        self.permissions = []
        self.scoped_permissions = []

    @event
    async def sign_in(self, form: dict[str, Any]) -> Any:
        """Exchange username and password for a token, then go to the DAG list."""
        self.sign_in_error = ""
        try:
            async with AirdeckApi(client_ip=self._client_ip()) as api:
                self._token = await api.sign_in(
                    str(form.get("username", "")), str(form.get("password", ""))
                )
            await self._load_me()
        except ApiError as exc:
            self._token = ""
            self.sign_in_error = exc.detail
            return None
        return rx.redirect("/workflows")

    @event
    async def start_provider_sign_in(self) -> Any:
        """Send the browser to the OpenID provider's sign-in (OIDC mode), remembering the
        ``state``, ``nonce`` and PKCE verifier here for the way back."""
        self.sign_in_error = ""
        web = settings()
        if web.oidc is None:
            return None
        try:
            metadata = await discover(web.oidc.issuer)
        except SignInError as exc:
            self.sign_in_error = str(exc)
            return None
        pending = PendingSignIn.start(self._next_path)
        self._pending_sign_in = dataclasses.asdict(pending)
        return rx.redirect(authorization_url(web.oidc, web.redirect_uri, metadata, pending))

    @event
    async def finish_provider_sign_in(self) -> Any:
        """On /auth/callback: check the provider's answer against the sign-in started here,
        trade the code for tokens, load the user and go where they were going; on any failure
        sign nobody in and say why on the sign-in page."""
        web = settings()
        pending = PendingSignIn(**self._pending_sign_in) if self._pending_sign_in else None
        # A sign-in answer is good for one use only.
        self._pending_sign_in = {}
        self._forget()
        try:
            if web.oidc is None:
                raise SignInError("Sign-in at an OpenID provider is not configured here.")
            if pending is None:
                raise SignInError(NOT_STARTED)
            metadata = await discover(web.oidc.issuer)
            params = dict(self.router.url.query_parameters)
            code = code_from_callback(params, pending, metadata.issuer)
            self._token = await exchange_code(web.oidc, web.redirect_uri, metadata, pending, code)
            await self._load_me()
        except SignInError as exc:
            self._forget()
            self.sign_in_error = str(exc)
            return rx.redirect("/", replace=True)
        except ApiError as exc:
            self._forget()
            self.sign_in_error = f"The Airdeck API refused the sign-in: {exc.detail}"
            return rx.redirect("/", replace=True)
        self.sign_in_error = ""
        self._next_path = ""
        return rx.redirect(pending.next_path, replace=True)

    @event
    async def sign_out(self) -> Any:
        """Forget the token; in OIDC mode also end the session at the provider when it offers
        that, which sends the browser back to the sign-in page."""
        self._forget()
        self._next_path = ""
        web = settings()
        if web.oidc is not None:
            try:
                metadata = await discover(web.oidc.issuer)
            except SignInError:
                return rx.redirect("/")
            url = end_session_url(metadata, web.oidc.client_id, web.post_logout_redirect_uri)
            if url:
                return rx.redirect(url)
        return rx.redirect("/")

    @event
    async def require_user(self) -> Any:
        """On every page: without a user, try the API as-is (dev mode), else go sign in,
        remembering the page to come back to after a sign-in at the provider."""
        if self.user:
            return None
        try:
            await self._load_me()
        except ApiError:
            url = self.router.url
            self._next_path = url.path + (f"?{url.query}" if url.query else "")
            return rx.redirect("/")
        return None

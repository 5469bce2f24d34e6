"""Who is signed in. The token lives in backend-only state, never in a URL or the browser."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from functools import partial
from typing import Any
from urllib.parse import parse_qsl

import reflex as rx

from airdeck_web.api_client import AirdeckApi, ApiError
from airdeck_web.oidc import (
    NOT_STARTED,
    PendingSignIn,
    SignInError,
    TokenSet,
    authorization_url,
    code_from_callback,
    discover,
    end_session_url,
    exchange_code,
    refresh_tokens,
)
from airdeck_web.session_watch import SESSION_WATCHES, Wake, prompt_time
from airdeck_web.settings import settings
from airdeck_web.states.event import event

SESSION_ENDED = "Your session has ended; sign in again to go on."
SILENT_RENEWAL_SECONDS = 15.0
"""How long a silent renewal at the provider may take before the renewal dialog opens."""


class AuthState(rx.State):
    """The signed-in user and what they may do."""

    user: rx.Field[str] = rx.field("")
    role: rx.Field[str] = rx.field("")
    permissions: rx.Field[list[str]] = rx.field(default_factory=list)
    scoped_permissions: rx.Field[list[str]] = rx.field(default_factory=list)
    sign_in_error: rx.Field[str] = rx.field("")
    session_expired: rx.Field[bool] = rx.field(False)
    """Whether the sign-in must be renewed: the renewal dialog is open over the page."""
    reauth_error: rx.Field[str] = rx.field("")
    silent_renewal_url: rx.Field[str] = rx.field("")
    """While a silent renewal runs: the provider's address that the page's hidden frame opens."""
    deployment: rx.Field[str] = rx.field("")
    """The Airflow deployment the pages about one DAG or run address ("": the API's default);
    see ``DeploymentsState``."""
    # Backend-only (leading underscore): Reflex never sends these to the browser.
    _token: str = ""
    _refresh_token: str = ""
    _renew_at: float = 0.0
    _pending_sign_in: dict[str, str] = {}
    _pending_renewal: dict[str, str] = {}
    _next_path: str = ""

    def api(self) -> AirdeckApi:
        """A client acting as this user, from this browser's address, asking the deployment
        this tab addresses; a 401 answer wakes the tab's session watcher."""
        refused = partial(SESSION_WATCHES.refused, self.router.session.client_token)
        return AirdeckApi(
            self._token,
            client_ip=self._client_ip(),
            on_refused=refused,
            deployment=self.deployment,
        )

    def _keep(self, token: str, expires_in: int | None, refresh_token: str | None = None) -> None:
        """Hold a new token, and when to renew it."""
        self._token = token
        self._refresh_token = refresh_token or ""
        self._renew_at = prompt_time(expires_in)

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
    def can_act_on_runs(self) -> bool:
        """Whether the user may take any of a run's actions: mark or clear it
        (``tasks:clear``), or edit its note (``dags:trigger``)."""
        held = {*self.permissions, *self.scoped_permissions}
        return not held.isdisjoint({"tasks:clear", "dags:trigger"})

    @rx.var
    def can_respond(self) -> bool:
        """Whether the user may answer human-in-the-loop requests (``tasks:respond``)."""
        return "tasks:respond" in self.permissions or "tasks:respond" in self.scoped_permissions

    @rx.var
    def can_backfill(self) -> bool:
        """Whether the user may preview and start backfills, and pause or cancel them
        (``dags:backfill``)."""
        return "dags:backfill" in self.permissions or "dags:backfill" in self.scoped_permissions

    @rx.var
    def can_edit_metadata(self) -> bool:
        return "metadata:write" in self.permissions

    @rx.var
    def can_read_audit(self) -> bool:
        return "audit:read" in self.permissions or "audit:read" in self.scoped_permissions

    @rx.var
    def can_write_alerts(self) -> bool:
        """Whether the user may create and change alert rules (``alerts:write``)."""
        return "alerts:write" in self.permissions or "alerts:write" in self.scoped_permissions

    @rx.var
    def can_write_connectors(self) -> bool:
        """Whether the user may create, change, test and delete API connectors
        (``connectors:write``)."""
        return (
            "connectors:write" in self.permissions or "connectors:write" in self.scoped_permissions
        )

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
        self._refresh_token = ""
        self._renew_at = 0.0
        self.session_expired = False
        self.reauth_error = ""
        self.user = ""
        self.role = ""
        self.permissions = []
        self.scoped_permissions = []
        self.deployment = ""

    @event
    async def sign_in(self, form: dict[str, Any]) -> Any:
        """Exchange username and password for a token, then go to the DAG list."""
        self.sign_in_error = ""
        try:
            async with AirdeckApi(client_ip=self._client_ip()) as api:
                token, expires_in = await api.sign_in_for_lifetime(
                    str(form.get("username", "")), str(form.get("password", ""))
                )
            self._keep(token, expires_in)
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
            tokens = await exchange_code(web.oidc, web.redirect_uri, metadata, pending, code)
            self._keep(tokens.access_token, tokens.expires_in, tokens.refresh_token)
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
            return AuthState.watch_session if self._token else None
        try:
            await self._load_me()
        except ApiError:
            self._next_path = self._here()
            return rx.redirect("/")
        return None

    def _here(self) -> str:
        url = self.router.url
        return url.path + (f"?{url.query}" if url.query else "")

    @event(background=True)
    async def watch_session(self) -> None:
        """While this tab is signed in: shortly before the token expires, or when the API
        refuses it, renew it with the refresh token where the provider issued one, else (OIDC
        mode) silently at the provider in a hidden frame, else open the renewal dialog over the
        page (password in local mode, sign-in at the provider with a return here in OIDC
        mode). A refused renewal is not tried again."""
        async with self:
            tab, token, renew_at = self.router.session.client_token, self._token, self._renew_at
        if not token:
            return
        watch = SESSION_WATCHES.start(tab, token)
        try:
            while True:
                if await watch.wait(renew_at) is Wake.SUPERSEDED:
                    return
                async with self:
                    if self._token != token:
                        return
                    refresh_token = self._refresh_token
                renewed, problem = await _renewed(refresh_token)
                if renewed is None and await self._renewed_silently(token):
                    return  # the renewal's answer started the next watcher
                async with self:
                    if self._token != token:
                        return
                    if renewed is None:
                        self._refresh_token = ""
                        self._next_path = self._here()
                        self.reauth_error = problem
                        self.session_expired = True
                        return
                    self._keep(renewed.access_token, renewed.expires_in, renewed.refresh_token)
                    token, renew_at = self._token, self._renew_at
                watch = SESSION_WATCHES.start(tab, token)
        finally:
            SESSION_WATCHES.end(tab, watch)

    async def _renewed_silently(self, token: str) -> bool:
        """OIDC mode: ask the provider for new tokens without a page (``prompt=none``) in the
        tab's hidden frame, which answers through ``finish_silent_renewal``; whether ``token``
        was replaced within ``SILENT_RENEWAL_SECONDS``. The provider says no at once when it no
        longer knows the person, and a frame it refuses to load never answers: either way the
        dialog follows."""
        web = settings()
        if web.oidc is None:
            return False
        try:
            metadata = await discover(web.oidc.issuer)
        except SignInError:
            return False
        pending = PendingSignIn.start()
        url = authorization_url(web.oidc, web.silent_redirect_uri, metadata, pending, "none")
        async with self:
            if self._token != token:
                return True
            self._pending_renewal = dataclasses.asdict(pending)
            self.silent_renewal_url = url
        deadline = time.monotonic() + SILENT_RENEWAL_SECONDS
        while time.monotonic() < deadline:
            await asyncio.sleep(0.25)
            async with self:
                if self._token != token:
                    return True
                if not self._pending_renewal:
                    break  # answered, and refused
        async with self:
            self._pending_renewal = {}
            self.silent_renewal_url = ""
            return self._token != token

    @event
    async def finish_silent_renewal(self, query: str) -> Any:
        """The provider's answer to a silent renewal (the query its redirect carried, handed
        over by the hidden frame): new tokens for the same person, and a new watcher; anything
        else leaves the renewal to the dialog."""
        web = settings()
        pending = PendingSignIn(**self._pending_renewal) if self._pending_renewal else None
        self._pending_renewal = {}
        self.silent_renewal_url = ""
        if pending is None or web.oidc is None:
            return None
        user = self.user
        try:
            metadata = await discover(web.oidc.issuer)
            params = dict(parse_qsl(query.removeprefix("?")))
            code = code_from_callback(params, pending, metadata.issuer)
            tokens = await exchange_code(web.oidc, web.silent_redirect_uri, metadata, pending, code)
        except SignInError:
            return None
        self._keep(tokens.access_token, tokens.expires_in, tokens.refresh_token)
        try:
            await self._load_me()
        except ApiError:
            self._forget()
            return rx.redirect("/")
        if self.user != user:
            # The provider now knows someone else: this page was not theirs.
            self._forget()
            return rx.redirect("/")
        return AuthState.watch_session

    @event
    async def renew_with_password(self, form: dict[str, Any]) -> Any:
        """Local mode: the signed-in person's password again, for a new token, keeping the
        page and everything on it; a wrong password is said, never retried."""
        try:
            async with AirdeckApi(client_ip=self._client_ip()) as api:
                token, expires_in = await api.sign_in_for_lifetime(
                    self.user, str(form.get("password", ""))
                )
        except ApiError as exc:
            self.reauth_error = exc.detail
            return None
        self._keep(token, expires_in)
        self.session_expired = False
        self.reauth_error = ""
        return AuthState.watch_session


async def _renewed(refresh_token: str) -> tuple[TokenSet | None, str]:
    """New tokens for ``refresh_token`` at the provider, or None and why not (no refresh token,
    local mode, or the provider refused)."""
    oidc = settings().oidc
    if oidc is None or not refresh_token:
        return None, ""
    try:
        metadata = await discover(oidc.issuer)
        return await refresh_tokens(oidc, metadata, refresh_token), ""
    except SignInError as exc:
        return None, f"{exc} {SESSION_ENDED}"

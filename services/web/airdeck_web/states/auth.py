"""Who is signed in. The token lives in the server-side state only, never in a URL."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.api_client import AirdeckApi, ApiError


class AuthState(rx.State):
    """The signed-in user and what they may do."""

    token: str = ""
    user: str = ""
    role: str = ""
    permissions: list[str] = []
    scoped_permissions: list[str] = []
    sign_in_error: str = ""

    def api(self) -> AirdeckApi:
        """A client acting as this user."""
        return AirdeckApi(self.token)

    @rx.var
    def signed_in(self) -> bool:
        return bool(self.user)

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

    @rx.event
    async def sign_in(self, form: dict[str, Any]) -> Any:
        """Exchange username and password for a token, then go to the workflows."""
        self.sign_in_error = ""
        try:
            async with AirdeckApi() as api:
                self.token = await api.sign_in(
                    str(form.get("username", "")), str(form.get("password", ""))
                )
            await self._load_me()
        except ApiError as exc:
            self.token = ""
            self.sign_in_error = exc.detail
            return None
        return rx.redirect("/workflows")

    @rx.event
    def sign_out(self) -> Any:
        """Forget the token."""
        self.token = ""
        self.user = ""
        self.permissions = []
        self.scoped_permissions = []
        return rx.redirect("/")

    @rx.event
    async def require_user(self) -> Any:
        """On every page: without a user, try the API as-is (dev mode), else go sign in."""
        if self.user:
            return None
        try:
            await self._load_me()
        except ApiError:
            return rx.redirect("/")
        return None

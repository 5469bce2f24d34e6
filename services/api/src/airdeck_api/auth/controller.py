"""``/api/auth``: sign in (local mode), the public keys, and who am I."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException, TooManyRequestsException
from litestar.params import JSONBody

from airdeck_api.auth.tokens import LocalTokens
from airdeck_api.auth.users import LocalUsers
from airdeck_api.identity import principal_of
from airdeck_api.problems import PROBLEM_RESPONSES
from airdeck_api.ratelimit import RATE_LIMIT_OPT, SignInAttempts
from airdeck_api.settings import Settings
from airdeck_domain.rbac import ALL_PERMISSIONS, decide, permissions_of


class TokenRequest(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]


class TokenResponse(msgspec.Struct):
    access_token: str
    token_type: str
    expires_in: int


class GrantView(msgspec.Struct):
    role: str
    tag: str | None
    owner_team: str | None
    environment: str | None
    deployment: str | None = None


class Me(msgspec.Struct):
    subject: str
    role: str | None
    permissions: list[str]
    """Permissions held on every DAG (by role)."""
    scoped_permissions: list[str]
    """Permissions held on some DAGs only (by scoped grants)."""
    grants: list[GrantView]


class AuthController(Controller):
    """Sign-in and identity."""

    path = "/api/auth"
    tags = ["Auth"]

    @post(
        "/token",
        operation_id="createToken",
        opt={"permission": "public", RATE_LIMIT_OPT: "sign_in"},
        responses=PROBLEM_RESPONSES,
        status_code=200,
    )
    async def token(
        self, data: JSONBody[TokenRequest], state: State, request: Request[Any, Any, Any]
    ) -> TokenResponse:
        """Exchange a local user's name and password for a bearer token (local mode only).
        Failed attempts are limited per username and address (429 with ``Retry-After``)."""
        users: LocalUsers | None = state.local_users
        tokens: LocalTokens | None = state.local_tokens
        attempts: SignInAttempts = state.sign_in_attempts
        if users is None or tokens is None:
            raise NotAuthorizedException("Password sign-in is off: this API uses OpenID Connect")
        address = request.client.host if request.client else "?"
        wait = await attempts.begin(data.username, address)
        if wait is not None:
            raise TooManyRequestsException(
                "Too many failed sign-ins for this username from this address; "
                f"try again in {wait} s.",
                headers={"Retry-After": str(wait)},
            )
        principal = await users.authenticate(data.username, data.password)
        if principal is None:
            raise NotAuthorizedException("Wrong username or password")
        await attempts.succeeded(data.username, address)
        settings: Settings = state.settings
        token, lifetime = tokens.issue(principal, lifetime=settings.auth.local_token_ttl)
        return TokenResponse(access_token=token, token_type="bearer", expires_in=lifetime)

    @get(
        "/jwks.json",
        operation_id="getJwks",
        opt={"permission": "public"},
        responses=PROBLEM_RESPONSES,
    )
    async def jwks(self, state: State) -> dict[str, Any]:
        """The public keys local-mode tokens are signed with."""
        tokens: LocalTokens | None = state.local_tokens
        return tokens.key.jwks() if tokens else {"keys": []}

    @get("/me", operation_id="getMe", opt={"permission": "public"}, responses=PROBLEM_RESPONSES)
    async def me(self, request: Request[Any, Any, Any]) -> Me:
        """The caller: role, permissions and scoped grants (401 without a token)."""
        principal = principal_of(request)
        everywhere = sorted(p for p in ALL_PERMISSIONS if p in permissions_of(principal.role))
        somewhere = sorted(
            p for p in ALL_PERMISSIONS if p not in everywhere and decide(principal, p, None).allowed
        )
        return Me(
            subject=principal.subject,
            role=principal.role,
            permissions=everywhere,
            scoped_permissions=somewhere,
            grants=[
                GrantView(
                    role=g.role,
                    tag=g.tag,
                    owner_team=g.owner_team,
                    environment=g.environment,
                    deployment=g.deployment,
                )
                for g in principal.grants
            ],
        )

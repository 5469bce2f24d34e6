"""Put the caller's principal on each request, or answer 401 for a bad token."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, ServiceUnavailableException
from litestar.middleware import (
    AbstractAuthenticationMiddleware,
    AuthenticationResult,
    DefineMiddleware,
)
from litestar.types import ASGIApp

from airdeck_api.auth.tokens import InvalidTokenError, ProviderUnavailableError, TokenVerifier

ANONYMOUS = AuthenticationResult(user=None, auth=None)


class BearerAuthentication(AbstractAuthenticationMiddleware):
    """Litestar's authentication middleware, verifying ``Authorization: Bearer`` tokens.

    No ``Authorization`` header: the request goes on without a principal, and every route
    but the public ones refuses it (401). A header that is not a valid bearer token: 401 here.
    The identity provider unreachable when its keys are needed: 503 with ``Retry-After``.
    """

    def __init__(self, app: ASGIApp, verifier: TokenVerifier) -> None:
        super().__init__(app, scopes={ScopeType.HTTP}, exclude_http_methods=())
        self.verifier = verifier

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        header = connection.headers.get("authorization")
        if header is None:
            return ANONYMOUS
        scheme, _, token = header.partition(" ")
        try:
            if scheme.lower() != "bearer" or not token.strip():
                raise InvalidTokenError("expected 'Authorization: Bearer <token>'")
            return AuthenticationResult(user=await self.verifier.verify(token.strip()), auth=token)
        except InvalidTokenError as exc:
            raise NotAuthorizedException(
                f"Invalid bearer token: {exc}",
                headers={"WWW-Authenticate": 'Bearer realm="airdeck", error="invalid_token"'},
            ) from exc
        except ProviderUnavailableError as exc:
            raise ServiceUnavailableException(
                str(exc), headers={"Retry-After": str(exc.retry_after)}
            ) from exc


def authentication_middleware(verifier: TokenVerifier) -> DefineMiddleware:
    """The authentication middleware bound to ``verifier``, for ``middleware=[...]``."""
    return DefineMiddleware(BearerAuthentication, verifier=verifier)

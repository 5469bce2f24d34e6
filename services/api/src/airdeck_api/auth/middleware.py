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

from airdeck_api.auth.scraper import (
    SCRAPE_TOKEN,
    SCRAPER,
    accepts_scrape_token,
    is_metrics_token,
)
from airdeck_api.auth.tokens import InvalidTokenError, ProviderUnavailableError, TokenVerifier

ANONYMOUS = AuthenticationResult(user=None, auth=None)


class BearerAuthentication(AbstractAuthenticationMiddleware):
    """Litestar's authentication middleware, verifying ``Authorization: Bearer`` tokens.

    No ``Authorization`` header: the request goes on without a principal, and every route
    but the public ones refuses it (401). A header that is not a valid bearer token: 401 here.
    The identity provider unreachable when its keys are needed: 503 with ``Retry-After``.
    On a route that accepts it (``auth.scraper``), ``metrics_token`` stands for the scraper.
    Routes with ``opt={"exclude_from_auth": True}`` (the probes) are not authenticated at all.
    """

    def __init__(
        self, app: ASGIApp, verifier: TokenVerifier, metrics_token: str | None = None
    ) -> None:
        super().__init__(app, scopes={ScopeType.HTTP}, exclude_http_methods=())
        self.verifier = verifier
        self.metrics_token = metrics_token

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
            if (
                self.metrics_token is not None
                and accepts_scrape_token(connection.route_handler)
                and is_metrics_token(token.strip(), self.metrics_token)
            ):
                return AuthenticationResult(user=SCRAPER, auth=SCRAPE_TOKEN)
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


def authentication_middleware(
    verifier: TokenVerifier, metrics_token: str | None = None
) -> DefineMiddleware:
    """The authentication middleware bound to ``verifier`` (and the scraper's token, if one is
    configured), for ``middleware=[...]``."""
    return DefineMiddleware(BearerAuthentication, verifier=verifier, metrics_token=metrics_token)

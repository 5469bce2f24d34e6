"""Put the caller's principal on each request, or answer 401 for a bad token."""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from airdeck_api.auth.tokens import InvalidTokenError, ProviderUnavailableError, TokenVerifier
from airdeck_api.problems import send_problem


def authentication_middleware(verifier: TokenVerifier) -> type:
    """An ASGI middleware factory (Litestar's ``middleware=[...]`` form) bound to ``verifier``.

    No ``Authorization`` header: the request goes on without a principal, and every route
    but the public ones refuses it (401). A header that is not a valid bearer token: 401 here.
    The identity provider unreachable when its keys are needed: 503 with ``Retry-After``.
    """

    class AuthenticationMiddleware:
        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == ScopeType.HTTP:
                header = dict(scope["headers"]).get(b"authorization")
                if header is not None:
                    scheme, _, token = header.decode("latin-1").partition(" ")
                    try:
                        if scheme.lower() != "bearer" or not token.strip():
                            raise InvalidTokenError("expected 'Authorization: Bearer <token>'")
                        scope["user"] = await verifier.verify(token.strip())
                    except InvalidTokenError as exc:
                        await send_problem(
                            send,
                            401,
                            "Unauthorized",
                            f"Invalid bearer token: {exc}",
                            {"WWW-Authenticate": 'Bearer realm="airdeck", error="invalid_token"'},
                        )
                        return
                    except ProviderUnavailableError as exc:
                        await send_problem(
                            send,
                            503,
                            "Identity provider unavailable",
                            str(exc),
                            {"Retry-After": str(exc.retry_after)},
                        )
                        return
            await self.app(scope, receive, send)

    return AuthenticationMiddleware
